"""petcare-replay's redrive, rewind and republish on the real broker and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from petcare_kit.dead_letters import OriginalRecord, dead_letter_headers
from petcare_kit.headers import headers_to_json
from petcare_tools.replay.records import Record
from petcare_tools.replay.testkit import cli, create_topics, produce, read_all
from petcare_tools.testing.suite import fresh_migrated_database
from suite.kitdemo_harness import KITDEMO_ALEMBIC

READ_SECONDS = 120
"""How long to wait for records that must arrive: generous for a loaded machine (the default is 30 s)."""


def envelope(type_: str, n: int) -> bytes:
    return json.dumps({"id": str(uuid.UUID(int=n)), "type": type_, "company_id": "c", "data": {}}).encode()


def dead_letter(dlq: str, original: Record, reason: str) -> Record:
    source = OriginalRecord(original.topic, original.partition, 10 + original.partition, original.key,
                            original.value, [(n, v or b"") for n, v in original.headers])
    headers = [(n, v) for n, v in original.headers] + list(dead_letter_headers("g", source, reason))
    return Record(dlq, 0, -1, original.key, original.value, headers)


def test_r_replay_4_redrive_sends_dead_letters_home_without_their_headers(kafka_bootstrap_servers, unique_topic):
    home, other, dlq = unique_topic("home"), unique_topic("other"), unique_topic("g.dlq")
    create_topics(kafka_bootstrap_servers, {home: 3, other: 1, dlq: 1})
    originals = [
        Record(home, 2, -1, b"k1", envelope("a.b.c", 1), [("message-id", b"1"), ("bin", b"\xff")]),
        Record(home, 1, -1, b"k2", b"{not json", [("trace", b"t")]),
        Record(other, 0, -1, None, envelope("x.y.z", 3), [("message-id", b"3")]),
        Record(home, 0, -1, b"k4", envelope("a.b.c", 4), []),
    ]
    reasons = ["handler_failed: RuntimeError('bug')", "malformed_message: not JSON",
               "handler_failed: KeyError()", "invalid_payload: position"]
    produce(kafka_bootstrap_servers, [dead_letter(dlq, o, r) for o, r in zip(originals, reasons, strict=True)]
            + [Record(dlq, 0, -1, b"x", b"not a dead letter")])

    plan = cli("redrive", dlq, "-b", kafka_bootstrap_servers)
    assert plan.exit_code == 0 and "would skip: 1 not a dead letter" in plan.output, plan.output
    audit = unique_topic("audit")
    chosen = cli("redrive", dlq, "--error-code", "handler_failed", "--type", "a.b.c", "-b", kafka_bootstrap_servers,
                 "--execute", "--audit-topic", audit)
    assert chosen.exit_code == 0, chosen.output
    by_offset = cli("redrive", dlq, "--offset", "0:1", "--offset", "0:2", "-b", kafka_bootstrap_servers,
                    "--execute", "--audit-topic", audit)
    assert by_offset.exit_code == 0, by_offset.output

    home_records = read_all(kafka_bootstrap_servers, home, expect=2, timeout=READ_SECONDS)
    assert [(r.partition, r.key, r.value, r.headers) for r in home_records] == [
        (1, b"k2", b"{not json", [("trace", b"t")]),
        (2, b"k1", originals[0].value, [("message-id", b"1"), ("bin", b"\xff")]),
    ]
    [back] = read_all(kafka_bootstrap_servers, other, expect=1, timeout=READ_SECONDS)
    assert (back.key, back.value, back.headers) == (None, originals[2].value, [("message-id", b"3")])
    assert len(read_all(kafka_bootstrap_servers, dlq)) == 5, "redrive never removes or rewrites dead letters"


async def commit(bootstrap: str, group: str, topic: str, offsets: dict[int, int]) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                session_timeout_ms=6000, heartbeat_interval_ms=1000)
    await consumer.start()
    try:
        consumer.subscribe([topic])
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=200)
        await consumer.commit({TopicPartition(topic, p): o for p, o in offsets.items()})
    finally:
        await consumer.stop()


async def committed(bootstrap: str, group: str, topic: str, partitions: int) -> dict[int, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(
            group, partitions=[TopicPartition(topic, p) for p in range(partitions)])
        return {tp.partition: meta.offset for tp, meta in offsets.items()}
    finally:
        await admin.close()


async def test_r_replay_5_rewind_plans_refuses_while_live_and_applies_when_stopped(kafka_bootstrap_servers,
                                                                                   unique_topic):
    topic, group = unique_topic("t"), unique_topic("group")
    create_topics(kafka_bootstrap_servers, {topic: 2})
    produce(kafka_bootstrap_servers, [Record(topic, n % 2, -1, b"k", b"v", [], 1_000_000 + n * 1000)
                                      for n in range(20)])
    await commit(kafka_bootstrap_servers, group, topic, {0: 10, 1: 10})

    plan = await asyncio.to_thread(cli, "rewind", group, topic, "--to-offset", "0:3", "--to-offset", "1:4",
                                   "-b", kafka_bootstrap_servers)
    assert plan.exit_code == 0, plan.output
    assert f"{topic}[0]: committed 10 -> 3" in plan.output and f"{topic}[1]: committed 10 -> 4" in plan.output
    assert await committed(kafka_bootstrap_servers, group, topic, 2) == {0: 10, 1: 10}

    live = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap_servers, group_id=group, enable_auto_commit=False,
                            session_timeout_ms=6000, heartbeat_interval_ms=1000)
    await live.start()
    live.subscribe([topic])
    try:
        while not live.assignment():
            await live.getmany(timeout_ms=200)
        refused = await asyncio.to_thread(cli, "rewind", group, topic, "--to-earliest", "-b",
                                          kafka_bootstrap_servers, "--execute")
        assert refused.exit_code == 3, refused.output
        assert "1 member(s)" in refused.output and "stop its consumers first" in refused.output
    finally:
        await live.stop()
    assert await committed(kafka_bootstrap_servers, group, topic, 2) == {0: 10, 1: 10}

    by_time = await asyncio.to_thread(cli, "rewind", group, topic, "--to-time", str(1_000_000 + 7 * 1000), "-b",
                                      kafka_bootstrap_servers, "--execute", "--audit-topic", unique_topic("audit"))
    assert by_time.exit_code == 0, by_time.output
    assert await committed(kafka_bootstrap_servers, group, topic, 2) == {0: 4, 1: 3}  # records 8 and 7
    bad = await asyncio.to_thread(cli, "rewind", group, topic, "--to-offset", "0:99", "-b", kafka_bootstrap_servers)
    assert bad.exit_code == 2 and "holds offsets 0..10" in bad.output, bad.output


@pytest.fixture
async def writer_db(postgres_admin_url):
    return await fresh_migrated_database(postgres_admin_url, "replay_outbox", KITDEMO_ALEMBIC)


async def test_r_replay_7_republish_from_the_outbox_archive(kafka_bootstrap_servers, unique_topic, writer_db):
    topic = unique_topic("kitdemo.events")
    create_topics(kafka_bootstrap_servers, {topic: 4})
    connection = await asyncpg.connect(writer_db.replace("+asyncpg", ""))
    try:
        rows = [(uuid.UUID(int=n), topic, f"pet-{n % 3}".encode(), envelope("kitdemo.note.added", n),
                 json.dumps(headers_to_json([("message-id", str(uuid.UUID(int=n)).encode())])))
                for n in range(1, 13)]
        await connection.executemany(
            "INSERT INTO outbox (id, topic, key, value, headers, published_at) VALUES ($1, $2, $3, $4, $5, now())",
            rows)
        await connection.execute("INSERT INTO outbox (id, topic, key, value) VALUES ($1, $2, 'k', 'unpublished')",
                                 uuid.uuid4(), topic)
    finally:
        await connection.close()

    dry = await asyncio.to_thread(cli, "republish", "--service", "kitdemo", "--database-url", writer_db,
                                  "-b", kafka_bootstrap_servers)
    assert dry.exit_code == 0 and "would write: 12" in dry.output, dry.output
    done = await asyncio.to_thread(cli, "republish", "--service", "kitdemo", "--database-url", writer_db,
                                   "-b", kafka_bootstrap_servers, "--execute", "--audit-topic", unique_topic("audit"))
    assert done.exit_code == 0, done.output
    assert "***@" in done.output, "the database password is masked in the audit record"
    records = read_all(kafka_bootstrap_servers, topic, expect=12, timeout=READ_SECONDS)
    by_key: dict[bytes, list[int]] = {}
    for record in records:
        by_key.setdefault(record.key or b"", []).append(json.loads(record.value or b"")["id"])
        assert record.headers == [("message-id", json.loads(record.value or b"")["id"].encode())]
    assert {k: [uuid.UUID(i).int for i in ids] for k, ids in by_key.items()} == {
        f"pet-{k}".encode(): [n for n in range(1, 13) if n % 3 == k] for k in range(3)}, "per-key order kept"
    assert len({r.partition for r in records if r.key == b"pet-1"}) == 1
