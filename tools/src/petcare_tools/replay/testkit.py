"""Helpers for the replay tool's tests and bench: create topics, produce records as given, read a
topic whole, run the command line in-process and see its exit code and output."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from confluent_kafka import OFFSET_BEGINNING, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from typer.testing import CliRunner

from petcare_tools.replay.cli import app
from petcare_tools.replay.reading import new_consumer
from petcare_tools.replay.records import Record


def create_topics(bootstrap: str, topics: dict[str, int]) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(name, count, 1) for name, count in topics.items()]).values():
        future.result(timeout=30)
    deadline = time.monotonic() + 10
    while not set(topics) <= set(admin.list_topics(timeout=10).topics):
        assert time.monotonic() < deadline, f"topics {sorted(topics)} did not appear"
        time.sleep(0.1)


def produce(bootstrap: str, records: Iterable[Record]) -> None:
    """Each record to its own topic and partition, with its key, value, headers and timestamp."""
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": False,
                         "max.in.flight.requests.per.connection": 1, "linger.ms": 2})
    for record in records:
        producer.produce(record.topic, value=record.value, key=record.key, headers=list(record.headers) or None,
                         partition=record.partition, timestamp=record.timestamp or 0)
    assert producer.flush(30) == 0


def read_all(bootstrap: str, topic: str, *, expect: int | None = None, settle: float = 0.5,
             timeout: float = 30) -> list[Record]:
    """Every record of `topic` (all partitions, from the beginning, no group), sorted by partition and
    offset. With `expect`, waits (up to `timeout` s) for that many, then `settle` s more for extras."""
    consumer = new_consumer(bootstrap)
    try:
        count = len(consumer.list_topics(timeout=10).topics[topic].partitions)
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(count)])
        found: list[Record] = []
        eof: set[int] = set()
        deadline = time.monotonic() + timeout
        settle_until: float | None = None
        while time.monotonic() < (settle_until or deadline):
            message = consumer.poll(0.1)
            if message is None:
                if expect is None and len(eof) == count:
                    break
                continue
            if message.error():
                eof.add(int(message.partition() or 0))
                continue
            found.append(Record.of(message))
            if expect is not None and settle_until is None and len(found) >= expect:
                settle_until = time.monotonic() + settle
        return sorted(found, key=lambda r: (r.partition, r.offset))
    finally:
        consumer.close()


@dataclass
class Result:
    exit_code: int
    output: str
    """stdout and stderr together."""


def cli(*args: str) -> Result:
    """Run `petcare-replay ARGS` in-process."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return Result(result.exit_code, result.output)
