"""Raw client rates on this broker: the ceilings the kit's figures are compared with.

- aiokafka, configured exactly as the kit's producer (`petcare_kit.kafka.new_producer`: acks=all,
  linger 5 ms, 256 KB batches): the client the outbox relay uses, so its rate bounds the relay's.
  Sent the way the relay sends: `await producer.send(...)` per message, then wait for every ack.
- aiokafka consumer (assign + getmany): the client FastStream drives under BatchConsumer.
- confluent-kafka (librdkafka): the C-client ceiling.
300-byte values, 16-byte keys over 1,000 distinct keys; "with headers" adds the five headers the
relay sets on every envelope.
"""

from __future__ import annotations

import asyncio
import os
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from confluent_kafka import Consumer, Producer
from confluent_kafka import TopicPartition as CTopicPartition
from petcare_kit.kafka import new_producer

from bench.common import create_topic, delete_topics, log, summary, unique_name

VALUE_BYTES = 300
KEYS = [f"key-{i:012d}".encode() for i in range(1000)]
HEADERS = [
    ("message-id", b"6a493912-7208-4c4f-bafc-6b098315cb7b"),
    ("event-type", b"kitdemo.note.added"),
    ("event-version", b"1"),
    ("correlation-id", b"96d7ff23-309c-48fa-a2c5-3312e0644976"),
    ("content-type", b"application/json"),
]


def _value() -> bytes:
    return os.urandom(VALUE_BYTES // 2).hex().encode()


async def aiokafka_produce(bootstrap: str, topic: str, count: int, *, headers: bool = False) -> float:
    producer = new_producer(bootstrap, client_id="bench-aiokafka")
    await producer.start()
    try:
        await producer.client._wait_on_metadata(topic)  # metadata outside the timing, as in a running relay
        value = _value()
        extra = HEADERS if headers else None
        start = time.perf_counter()
        acks = [await producer.send(topic, value, key=KEYS[i % 1000], headers=extra) for i in range(count)]
        await asyncio.gather(*acks)
        elapsed = time.perf_counter() - start
    finally:
        await producer.stop()
    return count / elapsed


async def aiokafka_consume(bootstrap: str, topic: str, partitions: int, count: int) -> float:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                client_id="bench-consume")
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        # The clock starts at the first batch: the first fetch's set-up is not throughput.
        first = 0
        while not first:
            batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            first = sum(len(records) for records in batch.values())
        seen = first
        start = time.perf_counter()
        while seen < count:
            batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            seen += sum(len(records) for records in batch.values())
        elapsed = time.perf_counter() - start
    finally:
        await consumer.stop()
    return (count - first) / elapsed


def confluent_produce(bootstrap: str, topic: str, count: int) -> float:
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
                         "enable.idempotence": False, "queue.buffering.max.messages": 1_000_000,
                         "batch.size": 256 * 1024})
    producer.list_topics(topic, timeout=10)
    value = _value()
    failures = []

    def on_delivery(error, _message):
        if error is not None:
            failures.append(error)

    start = time.perf_counter()
    for i in range(count):
        while True:
            try:
                producer.produce(topic, value, key=KEYS[i % 1000], on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.01)
        if i % 10_000 == 0:
            producer.poll(0)
    remaining = producer.flush(60)
    elapsed = time.perf_counter() - start
    if remaining or failures:
        raise RuntimeError(f"confluent produce: {remaining} undelivered, {len(failures)} failed: "
                           f"{failures[:3]}")
    return count / elapsed


def confluent_consume(bootstrap: str, topic: str, partitions: int, count: int) -> float:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique_name("c"),
                         "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    try:
        consumer.assign([CTopicPartition(topic, p, -2) for p in range(partitions)])  # -2: OFFSET_BEGINNING
        deadline = time.monotonic() + 60
        first = 0
        while not first and time.monotonic() < deadline:
            first = sum(1 for m in consumer.consume(num_messages=10_000, timeout=1.0) if m.error() is None)
        seen = first
        start = time.perf_counter()
        while seen < count and time.monotonic() < deadline:
            seen += sum(1 for m in consumer.consume(num_messages=10_000, timeout=1.0) if m.error() is None)
        elapsed = time.perf_counter() - start
    finally:
        consumer.close()
    if seen < count:
        raise RuntimeError(f"confluent consume: only {seen} of {count}")
    return (count - first) / elapsed


async def run(bootstrap: str, *, count: int, repetitions: int) -> dict:
    """Each produce run writes `count` messages to a fresh topic; each consume run reads the first
    `count` of a topic the produce runs filled."""
    results: dict = {"message_bytes": VALUE_BYTES, "messages_per_run": count}
    topics: list[str] = []
    try:
        for partitions in (1, 8):
            label = f"{partitions}p"
            aio_p, aio_c, cf_p, cf_c = [], [], [], []
            for rep in range(repetitions):
                topic = await create_topic(bootstrap, unique_name(f"raw-aio-{label}"), partitions)
                topics.append(topic)
                aio_p.append(await aiokafka_produce(bootstrap, topic, count))
                aio_c.append(await aiokafka_consume(bootstrap, topic, partitions, count))
                topic = await create_topic(bootstrap, unique_name(f"raw-cf-{label}"), partitions)
                topics.append(topic)
                cf_p.append(await asyncio.to_thread(confluent_produce, bootstrap, topic, count))
                cf_c.append(await asyncio.to_thread(confluent_consume, bootstrap, topic, partitions, count))
                log(f"baseline {label} run {rep + 1}: aiokafka produce {aio_p[-1]:,.0f}/s consume "
                    f"{aio_c[-1]:,.0f}/s; confluent produce {cf_p[-1]:,.0f}/s consume {cf_c[-1]:,.0f}/s")
                await delete_topics(bootstrap, topics)
                topics.clear()
            results[f"aiokafka_produce_msgs_per_s_{label}"] = summary(aio_p)
            results[f"aiokafka_consume_msgs_per_s_{label}"] = summary(aio_c)
            results[f"confluent_produce_msgs_per_s_{label}"] = summary(cf_p)
            results[f"confluent_consume_msgs_per_s_{label}"] = summary(cf_c)
        with_headers = []
        for rep in range(repetitions):
            topic = await create_topic(bootstrap, unique_name("raw-aio-headers-8p"), 8)
            topics.append(topic)
            with_headers.append(await aiokafka_produce(bootstrap, topic, count, headers=True))
            log(f"baseline 8p with envelope headers run {rep + 1}: "
                f"aiokafka produce {with_headers[-1]:,.0f}/s")
            await delete_topics(bootstrap, topics)
            topics.clear()
        results["aiokafka_produce_msgs_per_s_8p_with_headers"] = summary(with_headers)
    finally:
        await delete_topics(bootstrap, topics)
    return results

