"""The periodic job (runs, survives errors, stops when cancelled) and claiming due rows with a lease
(replicas never share a row; a dead replica's claim runs out; one row per lane at a time)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from uuid import uuid4

import pytest
from petcare_kit.background import PeriodicJob, claim_due
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, Uuid, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

metadata = MetaData()
jobs = Table("jobs", metadata, Column("id", Uuid, primary_key=True), Column("state", Text, nullable=False),
             Column("due_at", DateTime(timezone=True)), Column("lane", Text), Column("n", Integer))


async def until(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    """Wait until `condition()` holds. Generous: on a loaded machine a 10 ms pause can take far
    longer; the deadline only costs time when something is broken."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the deadline"
        await asyncio.sleep(0.01)


async def test_a_periodic_job_runs_again_after_an_error_and_stops_when_cancelled(caplog):
    calls: list[int] = []

    async def work() -> int:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return 0

    job = PeriodicJob("test", work, interval_seconds=0.01, max_backoff_seconds=0.02)
    task = asyncio.create_task(job.run_forever())
    await until(lambda: len(calls) >= 4)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(calls) >= 4 and job.runs >= 3
    assert "background job test failed" in caplog.text and "boom" in caplog.text


async def test_a_full_batch_runs_again_at_once_and_wake_cuts_the_pause():
    runs: list[float] = []

    async def work() -> int:
        runs.append(asyncio.get_running_loop().time())
        return 5 if len(runs) < 3 else 0

    job = PeriodicJob("busy", work, interval_seconds=3600, busy_at=5)
    task = asyncio.create_task(job.run_forever())
    await until(lambda: len(runs) >= 3)
    await asyncio.sleep(0.2)
    assert len(runs) == 3  # two full batches, then the pause (an hour)
    job.wake()
    await until(lambda: len(runs) >= 4)  # long before the hour is up
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(runs) == 4


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


async def claim(sessions, limit=10, lease=60.0, lane=()):
    async with sessions() as session, session.begin():
        return await claim_due(session, jobs, state=jobs.c.state, due_at=jobs.c.due_at, ready=("pending", "claimed"),
                               claimed="claimed", lease_seconds=lease, limit=limit, order_by=(jobs.c.n,),
                               lane=[jobs.c[name] for name in lane])


async def add(sessions, count, lane="a"):
    async with sessions() as session, session.begin():
        for n in range(count):
            await session.execute(jobs.insert().values(id=uuid4(), state="pending", due_at=func.now(), lane=lane, n=n))


async def test_two_replicas_claiming_at_once_never_get_the_same_row(sessions):
    await add(sessions, 30)
    first, second = await asyncio.gather(claim(sessions, limit=20), claim(sessions, limit=20))
    ids = [r.id for r in first] + [r.id for r in second]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert await claim(sessions) == []  # all leased


async def test_a_claim_whose_lease_ran_out_is_due_again_and_says_it_was_claimed(sessions):
    await add(sessions, 1)
    [first] = await claim(sessions, lease=60)
    assert first.state == "pending" and first.claimed_until is not None
    assert await claim(sessions) == []
    # The lease runs out: its end moved into the past (a real 0.2 s lease could run out on a busy
    # machine before the claim above, which would then get the row).
    async with sessions() as session, session.begin():
        await session.execute(update(jobs).where(jobs.c.id == first.id)
                              .values(due_at=func.now() - text("interval '1 second'")))
    [again] = await claim(sessions)
    assert again.id == first.id and again.state == "claimed"  # a recovery: the claimer died


async def test_a_lane_gives_one_row_at_a_time_in_order(sessions):
    await add(sessions, 3, lane="a")
    await add(sessions, 2, lane="b")
    got = await claim(sessions, lane=("lane",))
    assert sorted((r.lane, r.n) for r in got) == [("a", 0), ("b", 0)]
    assert await claim(sessions, lane=("lane",)) == []  # both lanes busy while leased
    async with sessions() as session, session.begin():
        await session.execute(update(jobs).where(jobs.c.id.in_([r.id for r in got])).values(state="done"))
    got = await claim(sessions, lane=("lane",))
    assert sorted((r.lane, r.n) for r in got) == [("a", 1), ("b", 1)]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).where(jobs.c.state == "claimed")) == 2
