"""petcare-replay against a real service (the kitdemo writer and reader as processes, the real
broker and PostgreSQL): a poison message dead-lettered by the service, redriven once the bug is
fixed and applied once; rewind refused while the service consumes, applied after it stops, and the
service reads again from there. One writer and reader serve the whole module (they start once)."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from petcare_tools.replay.testkit import cli, read_all
from petcare_tools.testing.processes import ProcessManager

from suite.kitdemo_harness import Kitdemo, applied, post_notes, wait_applied

pytestmark = pytest.mark.asyncio(loop_scope="session")
BUG = "replay_test_bug"


@pytest.fixture(scope="module")
def module_processes(tmp_path_factory, request):
    manager = ProcessManager(log_dir=tmp_path_factory.mktemp("replay-processes"), cwd=Path(request.config.rootpath))
    yield manager
    manager.stop_all()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def kitdemo(module_processes, kafka_bootstrap_servers, postgres_admin_url):
    demo = await Kitdemo.create(module_processes, kafka_bootstrap_servers, postgres_admin_url,
                                f"kitdemo.events.replay.{uuid.uuid4().hex[:8]}")
    demo.writer_url = await demo.start("writer", "writer")
    demo.reader_url = await demo.start("reader", "reader", KITDEMO_CONSUMER_MAX_ATTEMPTS="2")
    return demo


async def sql(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def replay(*args: str):
    return await asyncio.to_thread(cli, *args)


async def test_r_replay_4_r_replay_9_a_poison_message_is_redriven_after_the_fix_and_applied_once(kitdemo):
    bootstrap, dlq = kitdemo.bootstrap_servers, f"{kitdemo.group}.dlq"
    # The "bug": the reader's database refuses this pet's notes (a handler error that is not transient).
    await sql(kitdemo.reader_db, f"ALTER TABLE applied_notes ADD CONSTRAINT {BUG} CHECK (key <> 'sick-pet')")
    [poison] = await post_notes(kitdemo.writer_url, "sick-pet", ["needs the vet"])
    [fine] = await post_notes(kitdemo.writer_url, "well-pet", ["all good"])
    [dead] = await asyncio.to_thread(read_all, bootstrap, dlq, expect=1, timeout=120)
    assert dead.header("dlq-reason", ).startswith(b"handler_failed")
    assert fine in {row["note_id"] for row in await wait_applied(kitdemo.reader_url, 1)}

    await sql(kitdemo.reader_db, f"ALTER TABLE applied_notes DROP CONSTRAINT {BUG}")  # the fix is out
    plan = await replay("redrive", dlq, "--inbox-db", kitdemo.reader_db, "-b", bootstrap)
    assert plan.exit_code == 0 and f"already applied by {kitdemo.group}: 0 of 1" in plan.output, plan.output
    first = await replay("redrive", dlq, "-b", bootstrap, "--execute", "--reason", "fix deployed")
    assert first.exit_code == 0, first.output
    rows = {row["note_id"]: row for row in await wait_applied(kitdemo.reader_url, 2)}
    assert rows[poison]["times_applied"] == 1

    again = await replay("redrive", dlq, "--inbox-db", kitdemo.reader_db, "-b", bootstrap, "--execute")
    assert again.exit_code == 0 and f"already applied by {kitdemo.group}: 1 of 1" in again.output, again.output
    [_, sentinel] = await post_notes(kitdemo.writer_url, "well-pet", ["after the second redrive", "sentinel"])
    rows = {row["note_id"]: row for row in await wait_applied(kitdemo.reader_url, 4)}
    assert sentinel in rows and rows[poison]["times_applied"] == 1, "the second redrive changed nothing"
    records = await asyncio.to_thread(read_all, bootstrap, kitdemo.topic, expect=6, timeout=120)
    redriven = [r for r in records if r.key == b"sick-pet"]
    assert len(redriven) == 3 and all(not n.startswith("dlq-") for r in redriven for n, _ in r.headers)


async def committed(kitdemo) -> dict[int, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kitdemo.bootstrap_servers)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(
            kitdemo.group, partitions=[TopicPartition(kitdemo.topic, p) for p in range(4)])
        return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == kitdemo.topic}
    finally:
        await admin.close()


async def test_r_replay_5_rewind_is_refused_while_the_service_consumes_and_it_reads_again_after(kitdemo):
    bootstrap = kitdemo.bootstrap_servers
    await post_notes(kitdemo.writer_url, "rex", [f"walk {n}" for n in range(8)])
    before = {row["note_id"]: row["times_applied"] for row in await wait_applied(kitdemo.reader_url, 8)}
    refused = await replay("rewind", kitdemo.group, kitdemo.topic, "--to-earliest", "-b", bootstrap, "--execute")
    assert refused.exit_code == 3 and "stop its consumers first" in refused.output, refused.output

    kitdemo.processes.stop("reader")  # a graceful stop: the member leaves the group
    # The embedded broker may keep the departed member listed (rewind.py): the operator, having stopped
    # every replica, says so; the tool joins, and would still refuse if a live member answered.
    result = await replay("rewind", kitdemo.group, kitdemo.topic, "--to-earliest", "-b", bootstrap, "--execute",
                          "--consumers-stopped")
    assert result.exit_code == 0, result.output
    ends = await committed(kitdemo)
    assert set(ends.values()) == {0}, "committed offsets moved to each partition's start"

    kitdemo.reader_url = await kitdemo.start("reader", "reader")
    deadline = time.monotonic() + 120
    while (now := await committed(kitdemo)) and sum(now.values()) < len(
            await asyncio.to_thread(read_all, bootstrap, kitdemo.topic)):
        assert time.monotonic() < deadline, f"the reader did not read the topic again: {now}"
        await asyncio.sleep(0.5)
    after = {row["note_id"]: row["times_applied"] for row in await applied(kitdemo.reader_url)}
    assert after == before | {k: v for k, v in after.items() if k not in before}
    assert all(times == 1 for times in after.values()), "read again, applied nothing twice (R-REPLAY-9)"
