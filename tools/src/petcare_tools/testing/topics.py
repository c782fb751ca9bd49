"""Reading a topic from the beginning in a test, to see exactly what was published (and no more)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition


async def read_topic(bootstrap_servers: str, topic: str, *, at_least: int, timeout: float = 120,  # noqa: ASYNC109
                     settle: float = 1.0) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record on `topic` from the beginning (all partitions, no consumer group): waits for
    `at_least` records (at most `timeout` s: then returns what came), then `settle` seconds more
    so that an unexpected extra record would be seen too. To see everything on a topic shared with
    other tests, `read_topic_to_end` (a time limit cuts a long topic short on a busy machine)."""
    async with _from_the_beginning(bootstrap_servers, topic) as (consumer, partitions):
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + timeout
        settle_until: float | None = None
        while time.monotonic() < (settle_until or deadline):
            batch = await consumer.getmany(timeout_ms=200)
            for partition_records in batch.values():
                records.extend(partition_records)
            if settle_until is None and len(records) >= at_least:
                settle_until = time.monotonic() + settle
        return records


async def read_topic_to_end(bootstrap_servers: str, topic: str, *,
                            timeout: float = 120) -> list[ConsumerRecord[bytes, bytes]]:  # noqa: ASYNC109
    """Every record on `topic` (all partitions, no consumer group) up to its end, however long the
    topic: the read stops when each partition's position reaches the high-water mark its fetches
    answer, not after a time. (`end_offsets()` would be wrong on the embedded broker: the start of
    the last record batch + 1, /work/shared/BROKER.md.) AssertionError when it takes over `timeout` s."""
    async with _from_the_beginning(bootstrap_servers, topic) as (consumer, partitions):
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + timeout
        left = set(partitions)
        while left:
            assert time.monotonic() < deadline, f"{topic} not read to its end in {timeout} s"
            batch = await consumer.getmany(*left, timeout_ms=200)
            for partition_records in batch.values():
                records.extend(partition_records)
            left = {p for p in left if not await _at_end(consumer, p)}
        return records


async def published_envelopes(bootstrap_servers: str, topic: str, wanted: Callable[[dict[str, Any]], bool], *,
                              at_least: int, settle: float = 1.0,
                              timeout: float = 120) -> list[dict[str, Any]]:  # noqa: ASYNC109 (a polling wait)
    """The envelopes on `topic` that `wanted` accepts (a test's company, say), in partition order, once
    there are `at_least` of them, read again `settle` s later so that an unexpected extra one shows
    too. Each look reads the topic to its end (`read_topic_to_end`): on the session's broker earlier
    tests' records come first, and `read_topic(at_least=...)` would count those. AssertionError after
    `timeout` s."""
    async def look() -> list[dict[str, Any]]:
        return [e for r in await read_topic_to_end(bootstrap_servers, topic, timeout=timeout)
                if wanted(e := envelope_of(r))]

    deadline = time.monotonic() + timeout
    while len(mine := await look()) < at_least:
        assert time.monotonic() < deadline, f"{len(mine)} of {at_least} such records on {topic} in {timeout} s"
        await asyncio.sleep(0.5)
    await asyncio.sleep(settle)
    return await look()


@asynccontextmanager
async def _from_the_beginning(bootstrap_servers: str,
                              topic: str) -> AsyncIterator[tuple[AIOKafkaConsumer, list[TopicPartition]]]:
    """A consumer with no group, assigned every partition of `topic` at its beginning; stopped on exit."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or {0})]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        yield consumer, partitions
    finally:
        await consumer.stop()


async def _at_end(consumer: AIOKafkaConsumer, partition: TopicPartition) -> bool:
    """Whether a fetch has answered this partition's high-water mark and the position reached it."""
    highwater = consumer.highwater(partition)
    return highwater is not None and await consumer.position(partition) >= highwater


def envelope_of(record: Any) -> dict[str, Any]:
    """The envelope a record carries, as a dict (its value is the envelope's JSON)."""
    envelope: dict[str, Any] = json.loads(record.value)
    return envelope
