"""Issue 9, item 1: the broker restarts (memory-only: it comes back empty, as a new cluster) while
services produce and consume. Real processes (the kitdemo writer and reader) on a real broker of
this test's own, restarted on the same port mid-stream."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import httpx
import pytest

from suite.kitdemo_harness import Kitdemo, applied, post_notes, wait_applied

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _published(database_url: str) -> int:
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        return await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")
    finally:
        await connection.close()


async def _wait_published(database_url: str, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while (published := await _published(database_url)) < count:
        assert time.monotonic() < deadline, f"only {published} of {count} events published"
        await asyncio.sleep(0.1)


async def _ready_status(base_url: str) -> int:
    async with httpx.AsyncClient(timeout=10) as client:
        return (await client.get(f"{base_url}/ready")).status_code


async def test_broker_restart_mid_stream_loses_nothing_and_doubles_nothing(
    processes, own_embedded_broker, postgres_admin_url, unique_topic
):
    broker = own_embedded_broker
    kitdemo = await Kitdemo.create(processes, broker.bootstrap_servers, postgres_admin_url,
                                   unique_topic("kitdemo.events"))
    writer = await kitdemo.start("writer", "writer")
    # A slow reader, so that the broker goes while events it has acked are still unread.
    reader = await kitdemo.start("reader", "reader", KITDEMO_CONSUMER_BATCH_SIZE="10",
                                 KITDEMO_HANDLER_DELAY_MS="60")
    ids = []
    for pet in range(5):
        ids += await post_notes(writer, f"pet-{pet}", [f"before {n}" for n in range(40)])
    await _wait_published(kitdemo.writer_db, 200)  # the relay has them marked as sent
    first_cluster = broker.cluster_id

    await asyncio.to_thread(broker.stop_process)
    assert len(await applied(reader)) < 200, "the reader read everything before the restart; slow it down"
    # (a) not ready while the broker is gone
    assert await _ready_status(writer) == 503
    assert await _ready_status(reader) == 503
    ids += await post_notes(writer, "pet-down", [f"during {n}" for n in range(30)])  # waits in the outbox

    await asyncio.to_thread(broker.start)  # same port, empty, a new cluster
    assert broker.cluster_id != first_cluster
    for name, url in (("writer", writer), ("reader", reader)):
        await asyncio.to_thread(processes.wait_http_ok, f"{url}/ready", 120, name)  # recovery, on a busy machine

    # (c) new events after the restart flow
    ids += await post_notes(writer, "pet-after", [f"after {n}" for n in range(50)])

    # (b) every event applied exactly once: re-published ones the reader had seen are dropped
    await wait_applied(reader, len(ids), timeout=120)
    await asyncio.sleep(1.5)  # a late duplicate would show now
    rows = await applied(reader)
    assert sorted(r["note_id"] for r in rows) == sorted(ids)
    assert {r["times_applied"] for r in rows} == {1}
    assert processes.unexpected_exits() == []
