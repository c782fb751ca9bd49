"""petcare-replay's rate beside a bare confluent-kafka consume → produce pipe, same topic, same run.

The source topic (8 partitions) is filled once with 300-byte envelopes carrying the relay's five
headers. Each run copies all of it to a fresh target topic:
- pipe: a confluent-kafka Consumer (assign, batches of 10,000) and a Producer (same partition,
  linger 5 ms, acks all), nothing else: the ceiling of any Python tool on this client;
- replay: `petcare_tools.replay.copying.replay` in-process, as `petcare-replay replay SRC --to DST
  --execute` runs it (frozen ends, time-window and filter checks, counts per partition, samples,
  delivery checks, one request in flight per broker for order), without the audit record.
Each run checks that the target holds every record.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time

from confluent_kafka import Consumer, Producer
from confluent_kafka import TopicPartition as CTopicPartition
from petcare_tools.replay.connection import Broker
from petcare_tools.replay.copying import Run, replay
from petcare_tools.replay.output import Output
from petcare_tools.replay.ranges import Range
from petcare_tools.replay.selection import Filters, HeaderPolicy
from petcare_tools.replay.testkit import create_topics, read_all

from bench.common import delete_topics, log, ratio, summary, unique_name

PARTITIONS = 8
HEADERS = [("message-id", b"6a493912-7208-4c4f-bafc-6b098315cb7b"), ("event-type", b"kitdemo.note.added"),
           ("event-version", b"1"), ("correlation-id", b"96d7ff23-309c-48fa-a2c5-3312e0644976"),
           ("content-type", b"application/json")]


def fill(bootstrap: str, topic: str, count: int) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "enable.idempotence": False,
                         "queue.buffering.max.messages": 1_000_000, "batch.size": 256 * 1024})
    value = b'{"type":"kitdemo.note.added","id":"x","data":{"text":"' + os.urandom(120).hex().encode() + b'"}}'
    for i in range(count):
        while True:
            try:
                producer.produce(topic, value, key=f"key-{i % 1000:08d}".encode(), partition=i % PARTITIONS,
                                 headers=HEADERS)
                break
            except BufferError:
                producer.poll(0.01)
    assert producer.flush(120) == 0


def pipe(bootstrap: str, source: str, target: str, count: int) -> float:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique_name("pipe"),
                         "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, "enable.idempotence": False,
                         "queue.buffering.max.messages": 1_000_000, "batch.size": 1_000_000})
    try:
        start = time.perf_counter()
        consumer.assign([CTopicPartition(source, p, -2) for p in range(PARTITIONS)])
        seen = 0
        deadline = time.monotonic() + 300
        while seen < count and time.monotonic() < deadline:
            for message in consumer.consume(num_messages=10_000, timeout=1.0):
                if message.error() is not None:
                    continue
                while True:
                    try:
                        producer.produce(target, message.value(), key=message.key(), headers=message.headers(),
                                         partition=message.partition())
                        break
                    except BufferError:
                        producer.poll(0.01)
                seen += 1
            producer.poll(0)
        assert producer.flush(120) == 0
        return count / (time.perf_counter() - start)
    finally:
        consumer.close()


def tool(bootstrap: str, source: str, target: str, count: int) -> float:
    broker = Broker(bootstrap)
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries the bench's JSON only
        run = Run(broker, True, None, Output())
        start = time.perf_counter()
        report = replay(run, source, Range(dict.fromkeys(range(PARTITIONS)), dict.fromkeys(range(PARTITIONS))),
                        Filters(), HeaderPolicy(), target=target, partitioning="same", keep_timestamps=True,
                        inbox=None)
        elapsed = time.perf_counter() - start
    if report.written != count:
        raise RuntimeError(f"replay wrote {report.written} of {count}")
    return count / elapsed


def run(bootstrap: str, *, count: int, repetitions: int) -> dict:
    """Both copies of the same `count` records, `repetitions` times each, alternating."""
    source = unique_name("replay-src")
    topics = [source]
    try:
        create_topics(bootstrap, {source: PARTITIONS})
        fill(bootstrap, source, count)
        pipes, tools = [], []
        for rep in range(repetitions):
            for name, measure, results in (("pipe", pipe, pipes), ("replay", tool, tools)):
                target = unique_name(f"replay-{name}")
                topics.append(target)
                create_topics(bootstrap, {target: PARTITIONS})
                rate = measure(bootstrap, source, target, count)
                copied = len(read_all(bootstrap, target, settle=0))
                if copied != count:
                    raise RuntimeError(f"{name} copied {copied} of {count}")
                results.append(rate)
                log(f"replay bench run {rep + 1}: {name} {rate:,.0f} msgs/s")
        return {
            "messages_per_run": count, "partitions": PARTITIONS,
            "bare_confluent_pipe_msgs_per_s": summary(pipes),
            "petcare_replay_msgs_per_s": summary(tools),
            "replay_vs_pipe": ratio(summary(tools)["median"], summary(pipes)["median"]),
            "target": {"replay_vs_pipe_at_least": 0.5},
        }
    finally:
        asyncio.run(delete_topics(bootstrap, topics))
