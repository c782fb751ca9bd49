"""The provider call queue: one call per row, a crash after the call is recovered by asking the
provider (not by sending again), temporary failures are retried and end in a recorded failure."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import pytest
from petcare_kit.provider_calls import (
    CallFailed,
    CallPolicy,
    CallRejected,
    CallTable,
    Found,
    LookupUnavailable,
    ProviderCallQueue,
)
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, Uuid, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

metadata = MetaData()
calls = Table("calls", metadata, Column("id", Uuid, primary_key=True), Column("state", Text, nullable=False),
              Column("due_at", DateTime(timezone=True)), Column("attempts", Integer, nullable=False, default=0),
              Column("provider_id", Text), Column("error", Text), Column("started", DateTime(timezone=True)),
              Column("to", Text, nullable=False))
TABLE = CallTable(calls, state=calls.c.state, due_at=calls.c.due_at, attempts=calls.c.attempts,
                  provider_id=calls.c.provider_id, error=calls.c.error, attempt_started_at=calls.c.started,
                  lane=(calls.c.to,))


class FakeProvider:
    """Remembers what it accepted, by our row id (the idempotency key)."""

    def __init__(self) -> None:
        self.accepted_ids: dict[Any, str] = {}
        self.failures: list[Exception] = []
        self.crash_after_accepting = False
        self.can_tell = True
        self.recorded: list[tuple[str, Any]] = []

    async def send(self, row: Any) -> str | None:
        assert row.started is not None and row.attempts >= 1  # the attempt is recorded before the call
        if self.failures:
            raise self.failures.pop(0)
        self.accepted_ids[row.id] = f"P{len(self.accepted_ids)}"
        if self.crash_after_accepting:
            raise SystemExit("killed")  # not an Exception: nothing after this runs, as with kill -9
        return self.accepted_ids[row.id]

    async def find(self, row: Any) -> Found | None:
        if not self.can_tell:
            raise LookupUnavailable("no activity API")
        return Found(self.accepted_ids[row.id]) if row.id in self.accepted_ids else None

    async def accepted(self, uow: Any, row: Any, provider_id: str | None) -> None:
        self.recorded.append(("accepted", provider_id))

    async def failed(self, uow: Any, row: Any, reason: str, code: int | None) -> None:
        self.recorded.append(("failed", reason))


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


async def add(sessions, to="x"):
    async with sessions() as session, session.begin():
        row_id = uuid4()
        await session.execute(calls.insert().values(id=row_id, state="pending", due_at=func.now(), to=to))
    return row_id


async def row_of(sessions, row_id):
    async with sessions() as session:
        return (await session.execute(select(calls).where(calls.c.id == row_id))).one()


async def lease_runs_out(sessions):
    async with sessions() as session, session.begin():
        await session.execute(update(calls).values(due_at=func.now()))


def queue(sessions, provider, **policy):
    return ProviderCallQueue("test", sessions, TABLE, provider, CallPolicy(backoff_initial_seconds=0, **policy))


async def test_a_crash_after_the_provider_accepted_is_recorded_from_the_provider_not_sent_again(sessions):
    provider = FakeProvider()
    row_id = await add(sessions)
    provider.crash_after_accepting = True
    with pytest.raises(SystemExit):
        await queue(sessions, provider).run_once()
    assert (await row_of(sessions, row_id)).state == "sending"
    provider.crash_after_accepting = False
    await lease_runs_out(sessions)
    assert await queue(sessions, provider).run_once() == 1
    row = await row_of(sessions, row_id)
    assert row.state == "sent" and row.provider_id == "P0" and row.attempts == 1
    assert len(provider.accepted_ids) == 1 and provider.recorded == [("accepted", "P0")]


async def test_a_claim_that_died_before_the_call_is_sent_once(sessions):
    provider = FakeProvider()
    row_id = await add(sessions)
    provider.failures = [SystemExit("killed before the request went out")]
    with pytest.raises(SystemExit):
        await queue(sessions, provider).run_once()
    await lease_runs_out(sessions)
    await queue(sessions, provider).run_once()
    assert (await row_of(sessions, row_id)).state == "sent" and len(provider.accepted_ids) == 1


async def test_temporary_failures_are_retried_then_end_in_a_recorded_failure(sessions):
    provider = FakeProvider()
    row_id = await add(sessions)
    provider.failures = [CallFailed("503", maybe_accepted=True), CallFailed("timeout")] * 3
    for _ in range(3):
        await queue(sessions, provider, max_attempts=3).run_once()
        await lease_runs_out(sessions)
    row = await row_of(sessions, row_id)
    assert row.state == "failed" and "gave up after 3 attempts" in row.error
    assert provider.recorded == [("failed", row.error)] and provider.accepted_ids == {}


async def test_a_refusal_is_final_at_once(sessions):
    provider = FakeProvider()
    row_id = await add(sessions)
    provider.failures = [CallRejected("invalid number", 21211)]
    await queue(sessions, provider).run_once()
    row = await row_of(sessions, row_id)
    assert row.state == "failed" and row.error == "invalid number" and row.due_at is None


async def test_without_a_lookup_recovery_sends_at_least_once_and_says_so(sessions, caplog):
    provider = FakeProvider()
    row_id = await add(sessions)
    provider.crash_after_accepting, provider.can_tell = True, False
    with pytest.raises(SystemExit):
        await queue(sessions, provider).run_once()
    provider.crash_after_accepting = False
    await lease_runs_out(sessions)
    await queue(sessions, provider).run_once()
    assert (await row_of(sessions, row_id)).state == "sent" and "at least once" in caplog.text


async def test_rows_of_one_lane_are_called_in_order_one_at_a_time(sessions):
    provider = FakeProvider()
    ids = [await add(sessions, to="same") for _ in range(5)]
    assert await queue(sessions, provider).run_once() == 5
    assert [provider.accepted_ids[i] for i in ids] == [f"P{n}" for n in range(5)]


class SlowProvider(FakeProvider):
    """Each call takes `seconds` (a provider under load)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.sent: list[Any] = []

    async def send(self, row: Any) -> str | None:
        self.sent.append(row.id)
        await asyncio.sleep(self.seconds)
        return await super().send(row)


async def test_a_batch_slower_than_one_lease_keeps_its_rows_from_another_replica(sessions, caplog):
    """Ten calls of 0.5 s under a 2 s lease: the batch (5 s) outlasts the claim's lease on the rows
    waiting for their turn (two leases, 4 s), yet they stay this replica's (held again after each
    call), so a second replica looking all along takes none of them and nothing is "lease lost".

    (It was three calls of 0.8 s under a 0.5 s lease and one look after a fixed 1 s: each call
    outlasted its own lease, which only a look at the right moment missed; the waiting rows' hold
    left 0.2 s for each row's transactions; and on a busy machine the look could come before the
    first replica had claimed. Now each call has 1.5 s to spare and the look is continuous.)"""
    ours = [await add(sessions, to=f"slow-{uuid4()}") for _ in range(10)]
    first, second = SlowProvider(0.5), SlowProvider(0)
    batch = asyncio.create_task(queue(sessions, first, lease_seconds=2.0, batch=10).run_once())
    deadline = asyncio.get_running_loop().time() + 60
    while not first.sent:  # the first replica has claimed them all and calls the first
        assert asyncio.get_running_loop().time() < deadline, "the batch never started"
        await asyncio.sleep(0.02)
    while not batch.done():
        await queue(sessions, second, lease_seconds=2.0, batch=10).run_once()
        await asyncio.sleep(0.1)
    assert await batch == 10
    assert sorted(map(str, first.sent)) == sorted(map(str, ours)) and not set(second.sent) & set(ours)
    assert [(await row_of(sessions, row_id)).state for row_id in ours] == ["sent"] * 10
    assert "lease lost" not in caplog.text


async def test_rows_another_transaction_holds_do_not_deadlock_the_batch(sessions):
    """While the first row is called, another transaction of the service updates the third row, then
    the second (the notifications consumer recording texts' outcomes on deliveries rows): holding
    the batch's waiting rows skips a locked row instead of waiting for it, so neither transaction is
    aborted as a deadlock, and every row is still sent once (a deadlock failed the run and left the
    rest of the batch waiting two leases: emails 2 minutes late in the end-to-end bench)."""
    first, second, third = [await add(sessions, to=f"deadlock-{n}-{uuid4()}") for n in range(3)]
    other_holds_third, other_done = asyncio.Event(), asyncio.Event()

    async def service_transaction() -> None:
        async with sessions() as session, session.begin():
            await session.execute(update(calls).where(calls.c.id == third).values(error=None))
            other_holds_third.set()
            await asyncio.sleep(0.5)  # the queue holds its waiting rows meanwhile
            await session.execute(update(calls).where(calls.c.id == second).values(error=None))
        other_done.set()

    class Interleaved(FakeProvider):
        async def send(self, row: Any) -> str | None:
            if row.id == first:
                other.append(asyncio.create_task(service_transaction()))
                await other_holds_third.wait()
            return await super().send(row)

    other: list[asyncio.Task[None]] = []
    provider = Interleaved()
    assert await queue(sessions, provider, lease_seconds=5, batch=3).run_once() == 3
    await asyncio.gather(*other)
    assert other_done.is_set()
    assert [(await row_of(sessions, row_id)).state for row_id in (first, second, third)] == ["sent"] * 3
    assert len(provider.accepted_ids) == 3


async def test_a_failed_run_leaves_the_rest_of_its_batch_due_at_once_not_after_its_lease(sessions):
    class FailingToRecord(FakeProvider):
        async def accepted(self, uow: Any, row: Any, provider_id: str | None) -> None:
            if not self.recorded:
                self.recorded.append(("broken", provider_id))
                raise RuntimeError("the outbox insert failed")
            await super().accepted(uow, row, provider_id)

    ids = [await add(sessions, to=f"release-{n}-{uuid4()}") for n in range(3)]
    provider = FailingToRecord()
    with pytest.raises(RuntimeError):
        await queue(sessions, provider, lease_seconds=60, batch=3).run_once()
    assert len(provider.accepted_ids) == 1
    assert await queue(sessions, provider, lease_seconds=60, batch=3).run_once() == 2  # no lease to wait out
    states = [(await row_of(sessions, row_id)).state for row_id in ids]
    assert states.count("sent") == 2 and len(provider.accepted_ids) == 3
