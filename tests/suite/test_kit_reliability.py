"""The kit on the real broker and PostgreSQL, with real processes: outbox, inbox, dead letters,
crash and restart. The service under test is `tests/kitdemo` (made only for these tests)."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict

import asyncpg
import psutil
import pytest
from aiokafka import AIOKafkaProducer
from kitdemo.events import NoteAdded
from petcare_contracts import envelope_headers, new_envelope
from petcare_kit.relay import RELAY_LOCK_KEY

from suite.kitdemo_harness import (
    Kitdemo,
    applied,
    envelope_of,
    post_notes,
    read_topic,
    wait_applied,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
async def kitdemo(processes, kafka_bootstrap_servers, postgres_admin_url, unique_topic):
    return await Kitdemo.create(processes, kafka_bootstrap_servers, postgres_admin_url,
                                unique_topic("kitdemo.events"))


async def produce(bootstrap_servers: str, topic: str, *values: tuple[bytes | None, list],
                  key: bytes = b"poison") -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, enable_idempotence=False)
    await producer.start()
    try:
        for value, headers in values:
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


async def test_http_write_emits_one_event_that_another_process_applies_once(kitdemo):
    writer = await kitdemo.start("writer", "writer")
    reader = await kitdemo.start("reader", "reader")

    [note_id] = await post_notes(writer, "dog-1", ["walked twice today"])

    records = await read_topic(kitdemo.bootstrap_servers, kitdemo.topic, at_least=1)
    assert len(records) == 1
    envelope = envelope_of(records[0])
    assert envelope["type"] == "kitdemo.note.added" and envelope["version"] == 1
    assert envelope["data"]["note_id"] == note_id
    assert set(envelope) >= {"id", "occurred_at", "company_id", "actor", "correlation_id", "causation_id"}
    assert records[0].key == b"dog-1"
    assert dict(records[0].headers)["message-id"] == envelope["id"].encode()
    [row] = await wait_applied(reader, 1)
    assert (row["note_id"], row["times_applied"]) == (note_id, 1)


async def test_the_same_message_delivered_twice_changes_nothing(kitdemo):
    writer = await kitdemo.start("writer", "writer")
    reader = await kitdemo.start("reader", "reader")
    await post_notes(writer, "cat-7", ["fed"])
    [original] = await read_topic(kitdemo.bootstrap_servers, kitdemo.topic, at_least=1)
    await wait_applied(reader, 1)

    # The broker hands the same message over again (a redelivery, a replay by ops).
    # Under its own key (one partition, in order): the note after it is applied after it was read.
    await produce(kitdemo.bootstrap_servers, kitdemo.topic, (original.value, list(original.headers)),
                  key=original.key)
    await post_notes(writer, "cat-7", ["brushed"])  # something after it, to know the duplicate was read

    rows = await wait_applied(reader, 2)
    await asyncio.sleep(1)
    rows = await applied(reader)
    assert [r["times_applied"] for r in rows] == [1, 1]


async def test_poison_messages_go_to_the_dead_letter_topic_and_the_consumer_keeps_going(kitdemo):
    writer = await kitdemo.start("writer", "writer")
    reader = await kitdemo.start("reader", "reader", KITDEMO_CONSUMER_MAX_ATTEMPTS="2")
    unknown = new_envelope(NoteAdded(note_id="n", key="k", position=0, text="t"), company_id=None,
                           correlation_id="c").model_copy(update={"type": "kitdemo.note.vanished"})
    invalid = json.loads(new_envelope(NoteAdded(note_id="n", key="k", position=0, text="t"), company_id=None,
                                      correlation_id="c").model_dump_json())
    invalid["data"]["position"] = "first"
    await produce(
        kitdemo.bootstrap_servers, kitdemo.topic,
        (b"{not json", [("trace", b"\xff\xfe")]),
        (unknown.model_dump_json().encode(), envelope_headers(unknown)),
        (json.dumps(invalid).encode(), []),
    )
    await post_notes(writer, "k", ["explode"])
    [good_id] = await post_notes(writer, "k", ["all good"])

    dead = await read_topic(kitdemo.bootstrap_servers, f"{kitdemo.group}.dlq", at_least=4, timeout=120)
    reasons = sorted(dict(r.headers)["dlq-reason"].decode().split(":")[0] for r in dead)
    assert reasons == ["handler_failed", "invalid_payload", "malformed_message", "unknown_event_type"]
    malformed = next(r for r in dead if r.value == b"{not json")
    assert dict(malformed.headers)["trace"] == b"\xff\xfe"  # original headers kept, byte for byte
    assert dict(malformed.headers)["dlq-original-topic"] == kitdemo.topic.encode()
    rows = await wait_applied(reader, 1)
    assert [r["note_id"] for r in rows] == [good_id]
    assert kitdemo.processes["reader"].is_running


async def test_kill_9_of_the_consumer_mid_stream_applies_every_message_exactly_once(kitdemo):
    writer = await kitdemo.start("writer", "writer")
    keys = [f"pet-{i}" for i in range(10)]
    for key in keys:
        await post_notes(writer, key, [f"note {n}" for n in range(100)])
    # 10 ms a message: the 850 left take 8 s or more, so that a poll of this test delayed by a busy
    # machine still sees the reader mid-stream (at 3 ms, 2.5 s were the margin).
    reader = await kitdemo.start("reader", "reader", KITDEMO_CONSUMER_BATCH_SIZE="20",
                                 KITDEMO_HANDLER_DELAY_MS="10")
    rows = await wait_applied(reader, 150)
    assert len(rows) < 1000, "the reader finished before it could be killed; slow it down"
    kitdemo.processes.kill("reader")  # SIGKILL: no graceful shutdown, no offset commit

    reader = await kitdemo.start("reader", "reader", KITDEMO_CONSUMER_BATCH_SIZE="200")
    rows = await wait_applied(reader, 1000, timeout=120)
    await asyncio.sleep(1)
    rows = await applied(reader)
    assert len(rows) == 1000
    assert {r["times_applied"] for r in rows} == {1}


async def test_kill_9_of_the_producer_between_commit_and_publish_still_publishes_once(kitdemo):
    # The relay is off, so the note commits and its event waits in the outbox: then the process dies.
    writer = await kitdemo.start("writer", "writer", KITDEMO_RUN_RELAY="false")
    [note_id] = await post_notes(writer, "horse-2", ["shod"])
    kitdemo.processes.kill("writer")
    assert await read_topic(kitdemo.bootstrap_servers, kitdemo.topic, at_least=1, timeout=1, settle=0) == []

    await kitdemo.start("writer", "writer")
    reader = await kitdemo.start("reader", "reader")
    records = await read_topic(kitdemo.bootstrap_servers, kitdemo.topic, at_least=1)
    assert [envelope_of(r)["data"]["note_id"] for r in records] == [note_id]
    [row] = await wait_applied(reader, 1)
    assert row["times_applied"] == 1


async def test_outbox_keeps_per_key_order_across_replicas_and_a_relay_failover(kitdemo):
    replicas = {name: await kitdemo.start(name, "writer") for name in ("writer-a", "writer-b")}
    keys = ["rex", "tom", "kit", "bo"]
    for round_number in range(30):
        urls = list(replicas.values())
        for index, key in enumerate(keys):
            await post_notes(urls[(round_number + index) % len(urls)], key, [f"{key} {round_number}"])
        if round_number == 15:
            leader = await _relay_leader(kitdemo)
            kitdemo.processes.kill(leader)  # the other replica's relay must take over
            del replicas[leader]

    records = await read_topic(kitdemo.bootstrap_servers, kitdemo.topic, at_least=120, timeout=120)
    positions: dict[str, list[int]] = defaultdict(list)
    for record in records:
        data = envelope_of(record)["data"]
        positions[data["key"]].append(data["position"])
    for key in keys:
        first_seen = list(dict.fromkeys(positions[key]))  # a re-published duplicate is allowed, not a reorder
        assert first_seen == list(range(30)), key


async def _relay_leader(kitdemo: Kitdemo) -> str:
    """Which writer process holds the relay's advisory lock (that lock in the writers' database: pg_locks
    lists every database's locks, and other advisory locks, held for a transaction, come and go)."""
    connection = await asyncpg.connect(kitdemo.writer_db.replace("+asyncpg", ""))
    try:
        pid = await connection.fetchval(
            "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND ((l.classid::text::bigint << 32) | l.objid::text::bigint) = $1", RELAY_LOCK_KEY
        )
    finally:
        await connection.close()
    assert pid is not None, "no relay holds the leader lock"
    for name in ("writer-a", "writer-b"):
        owners = {c.laddr.port for c in psutil.Process(kitdemo.processes[name].pid).net_connections()
                  if c.laddr}
        if pid in owners:
            return name
    raise AssertionError("the relay leader is not one of the writers")
