"""Reading a range of a topic with a throwaway consumer that never touches a consumer group.

The consumer is given partitions with `assign()`, never `subscribe()`, and never commits (auto
commit and offset store off): librdkafka insists on a `group.id`, so it gets a unique one that is
never joined, and no live group's offsets move (R-REPLAY-1).

Where each partition ends is frozen before the first record is handed on: the high-water mark of
the first fetch (`get_watermark_offsets(cached=True)`, or the end-of-partition event). So a replay
into the same topic never reads its own writes, and end-offset look-ups (wrong on the embedded
broker: BROKER.md) are never used.

A time window starts each partition at `offsets_for_times(since)`, then checks the record just
before that answer: on Apache Kafka it is older than `since` by definition; on the embedded broker
the answer is right only at batch boundaries, so when that record is not older the partition is
read from its beginning instead. Every record is filtered by its own timestamp at both ends anyway
(`Range.in_window`), so the look-up only saves reading, it never decides what is replayed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

from petcare_tools.replay.connection import Broker
from petcare_tools.replay.errors import BadInput, Failed
from petcare_tools.replay.ranges import Range
from petcare_tools.replay.records import Record

IDLE_TIMEOUT_SECONDS = 30.0


@dataclass
class ReadStats:
    """Where each partition was read from and to (end exclusive), and how many records were read."""

    starts: dict[int, int] = field(default_factory=dict)
    ends: dict[int, int] = field(default_factory=dict)
    read: int = 0
    partitions: int = 0
    scanned_from_beginning: list[int] = field(default_factory=list)

    @property
    def expected(self) -> int | None:
        """Records in the frozen ranges (known once every end is), for the progress bar's total."""
        if len(self.ends) < self.partitions or len(self.starts) < self.partitions:
            return None
        return sum(max(0, self.ends[p] - self.starts[p]) for p in self.starts)


def new_consumer(bootstrap: str) -> Consumer:
    return Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"petcare-replay-unjoined-{uuid.uuid4().hex}",  # required by the client; never joined
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "enable.partition.eof": True,
        "auto.offset.reset": "error",  # a start past the end is an error, not a silent jump
        "allow.auto.create.topics": False,
        "fetch.max.bytes": 64 * 1024 * 1024,
        "max.partition.fetch.bytes": 8 * 1024 * 1024,
    })


def _batches(consumer: Consumer, finished: Callable[[], bool]) -> Iterator[Any]:
    """Messages in batches (one call per up to 5,000: far cheaper than `poll()` per message); None
    after an empty wait. Stops as soon as `finished()`."""
    while not finished():
        batch = consumer.consume(num_messages=5000, timeout=0.2)
        if not batch:
            yield None
        for message in batch:
            if finished():
                return
            yield message


class TopicReader:
    """`read()` yields the records of `topic` inside `range_`'s offsets, per partition in order.
    The time window is not applied here (the caller counts what falls outside it)."""

    def __init__(self, broker: Broker, topic: str, range_: Range) -> None:
        self.broker, self.topic, self.range = broker, topic, range_
        self.stats = ReadStats(partitions=len(range_.starts))
        self._verify: set[int] = set()
        self.high_water: dict[int, int] = {}

    def _start_offsets(self, consumer: Consumer) -> dict[int, int]:
        starts = {p: (s if s is not None else OFFSET_BEGINNING) for p, s in self.range.starts.items()}
        for partition, start in self.range.starts.items():
            if start is None:
                continue
            low, high = consumer.get_watermark_offsets(TopicPartition(self.topic, partition), timeout=10)
            if start < low:
                raise BadInput(f"{self.topic} partition {partition} starts at offset {low}, after {start}")
            # The embedded broker answers the end as the start of the last batch + 1 (BROKER.md): read
            # from there and skip what is before `start`; the true end is known after the first fetch.
            starts[partition] = min(start, high)
        timed = [p for p, s in self.range.starts.items() if s is None]
        if self.range.since_ms is not None and timed:
            answers = consumer.offsets_for_times([TopicPartition(self.topic, p, self.range.since_ms) for p in timed],
                                                 timeout=10)
            for answer in answers:
                if answer.error is None and answer.offset > 0:
                    starts[answer.partition] = answer.offset - 1  # the record before: checked on arrival
                    self._verify.add(answer.partition)
        return starts

    def read(self) -> Iterator[Record]:
        consumer = new_consumer(self.broker.bootstrap)
        try:
            starts = self._start_offsets(consumer)
            consumer.assign([TopicPartition(self.topic, p, o) for p, o in starts.items()])
            yield from self._consume(consumer)
        finally:
            consumer.close()

    def _end(self, partition: int, high_water: int) -> int:
        requested = self.range.ends.get(partition)
        return high_water if requested is None else min(requested + 1, high_water)

    def _consume(self, consumer: Consumer) -> Iterator[Record]:
        pending: list[Record] = []  # held until every partition's end is frozen
        done: set[int] = set()
        wanted = set(self.range.starts)
        last_progress = time.monotonic()
        restart_below: dict[int, int] = {}  # partitions sought back to their beginning: skip the old batch
        for message in _batches(consumer, lambda: done == wanted):
            if message is None:
                if time.monotonic() - last_progress > IDLE_TIMEOUT_SECONDS:
                    raise Failed(f"no records from {self.topic} for {IDLE_TIMEOUT_SECONDS:.0f} s "
                                 f"(partitions not finished: {sorted(wanted - done)})")
                continue
            last_progress = time.monotonic()
            partition = int(message.partition() or 0)
            offset = int(message.offset() or 0)
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    self._freeze(partition, offset)
                    self._check_start(partition)
                    self.stats.starts.setdefault(partition, min(offset, self.stats.ends[partition]))
                    if offset >= self.stats.ends[partition]:
                        done.add(partition)
                    continue
                if error.code() in (KafkaError._AUTO_OFFSET_RESET, KafkaError.OFFSET_OUT_OF_RANGE):
                    raise BadInput(f"{self.topic} partition {partition}: the start offset is outside the "
                                   f"partition ({error.str()})")
                if error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART:
                    raise BadInput(f"unknown topic {self.topic!r}")
                raise Failed(f"reading {self.topic}[{partition}]: {error.str()}")
            if partition in done:
                continue
            if partition in restart_below:
                if offset >= restart_below[partition]:
                    continue
                del restart_below[partition]
            if partition not in self.stats.ends:
                high = consumer.get_watermark_offsets(TopicPartition(self.topic, partition), cached=True)[1]
                if high >= 0:
                    self._freeze(partition, high)
                    self._check_start(partition)
            requested = self.range.starts.get(partition)
            if requested is not None and offset < requested:
                continue  # read from the broker's end estimate: before the range
            self.stats.starts.setdefault(partition, offset)
            record = Record.of(message)
            if partition in self._verify:
                self._verify.discard(partition)
                if self.range.since_ms is not None and (record.timestamp or 0) >= self.range.since_ms:
                    # The look-up answered past a record of the window: read this partition whole.
                    self.stats.scanned_from_beginning.append(partition)
                    pending = [r for r in pending if r.partition != partition]
                    self.stats.starts.pop(partition, None)
                    consumer.seek(TopicPartition(self.topic, partition, OFFSET_BEGINNING))
                    restart_below[partition] = record.offset
                    continue
            end = self.stats.ends.get(partition)
            if end is not None and record.offset >= end:
                done.add(partition)
                continue
            if end is not None and record.offset + 1 >= end:
                done.add(partition)
            self.stats.read += 1
            if len(self.stats.ends) < len(wanted):
                pending.append(record)
                continue
            if pending:
                yield from pending
                pending = []
            yield record
        yield from pending

    def _check_start(self, partition: int) -> None:
        start = self.range.starts.get(partition)
        if start is not None and start > self.high_water[partition]:
            raise BadInput(f"{self.topic} partition {partition}: offset {start} is past its end "
                           f"({self.high_water[partition]})")

    def _freeze(self, partition: int, high_water: int) -> None:
        if partition not in self.stats.ends:
            self.high_water[partition] = high_water
            self.stats.ends[partition] = self._end(partition, high_water)


def partition_bounds(broker: Broker, topic: str, partitions: list[int]) -> dict[int, tuple[int, int]]:
    """Each partition's (first offset, end offset) as fetches report them: the end is the high-water
    mark of a fetch from the broker's end estimate (which the embedded broker gives short: BROKER.md)."""
    consumer = new_consumer(broker.bootstrap)
    try:
        bounds: dict[int, tuple[int, int]] = {}
        lows: dict[int, int] = {}
        assignments = []
        for partition in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            lows[partition] = low
            assignments.append(TopicPartition(topic, partition, max(low, high - 1)))
        consumer.assign(assignments)
        deadline = time.monotonic() + IDLE_TIMEOUT_SECONDS
        while len(bounds) < len(partitions):
            if time.monotonic() > deadline:
                raise Failed(f"{topic}: no fetch answered for partitions {sorted(set(partitions) - set(bounds))}")
            message = consumer.poll(0.2)
            if message is None:
                continue
            partition = int(message.partition() or 0)
            error = message.error()
            if error is not None and error.code() != KafkaError._PARTITION_EOF:
                raise Failed(f"reading {topic}[{partition}]: {error.str()}")
            high = (int(message.offset() or 0) if error is not None else
                    consumer.get_watermark_offsets(TopicPartition(topic, partition), cached=True)[1])
            if high >= 0:
                bounds.setdefault(partition, (lows[partition], high))
        return bounds
    finally:
        consumer.close()
