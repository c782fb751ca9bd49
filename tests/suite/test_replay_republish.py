"""R-REPLAY-7: the broker is restarted (the embedded one comes back empty) while the writing service
is down; `petcare-replay republish` restores its events from the service's own outbox archive, the
reader builds its read model from them, each applied once, and the writer's relay does not send
them a third time when it comes back."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import pytest
from petcare_tools.replay.testkit import cli, create_topics, read_all

from suite.kitdemo_harness import Kitdemo, post_notes, wait_applied

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def published(database_url: str) -> int:
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        return int(await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"))
    finally:
        await connection.close()


async def test_r_replay_7_republish_after_the_broker_lost_everything(processes, own_embedded_broker,
                                                                     postgres_admin_url):
    broker = own_embedded_broker
    topic = f"kitdemo.events.republish.{uuid.uuid4().hex[:8]}"
    kitdemo = await Kitdemo.create(processes, broker.bootstrap_servers, postgres_admin_url, topic)
    writer = await kitdemo.start("writer", "writer")
    ids = []
    for pet in range(3):
        ids += await post_notes(writer, f"pet-{pet}", [f"note {n}" for n in range(10)])
    deadline = time.monotonic() + 120
    while await published(kitdemo.writer_db) < 30:
        assert time.monotonic() < deadline, "the writer's relay did not publish"
        await asyncio.sleep(0.2)
    processes.stop("writer")

    await asyncio.to_thread(broker.restart)  # empty: a new cluster on the same port
    bootstrap = broker.bootstrap_servers
    await asyncio.to_thread(create_topics, bootstrap, {topic: 4})
    plan = await asyncio.to_thread(cli, "republish", "--service", "kitdemo", "--database-url", kitdemo.writer_db,
                                   "-b", bootstrap)
    assert plan.exit_code == 0 and "would write: 30" in plan.output, plan.output
    done = await asyncio.to_thread(cli, "republish", "--service", "kitdemo", "--database-url", kitdemo.writer_db,
                                   "-b", bootstrap, "--execute", "--rate", "200", "--reason", "broker lost its data")
    assert done.exit_code == 0 and "written: 30" in done.output, done.output

    reader = await kitdemo.start("reader", "reader")
    rows = await wait_applied(reader, 30)
    assert sorted(r["note_id"] for r in rows) == sorted(ids)
    assert {r["times_applied"] for r in rows} == {1}
    for pet in range(3):
        positions = [r["position"] for r in rows if r["key"] == f"pet-{pet}"]
        assert positions == sorted(positions), "per-key order kept"

    await kitdemo.start("writer", "writer")  # its relay sees the new cluster: the rows are marked sent to it
    await asyncio.sleep(3)
    assert len(await asyncio.to_thread(read_all, bootstrap, topic)) == 30, "the relay re-sent republished rows"
    assert {r["times_applied"] for r in await wait_applied(reader, 30)} == {1}
