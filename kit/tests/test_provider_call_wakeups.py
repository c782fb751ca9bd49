"""The provider call queue is woken by a NOTIFY when a row becomes due (issue 14): a committed row is
called at once although the poll is an hour away; the poll still finds a row whose NOTIFY was
missed; a replica woken with another still calls each row once.

Deadlines are generous (WAKE_SECONDS): on a loaded machine a wake-up can take seconds, and with the
poll an hour away any call within them can only come from the wake-up."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import pytest
from petcare_kit.background import PeriodicJob
from petcare_kit.provider_calls import CallPolicy, CallTable, ProviderCallQueue, wake_channel
from petcare_kit.wakeups import Listener, create_notify_trigger, drop_notify_trigger
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, Uuid, func, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

metadata = MetaData()
woken = Table("woken_calls", metadata, Column("id", Uuid, primary_key=True), Column("state", Text, nullable=False),
              Column("due_at", DateTime(timezone=True)), Column("attempts", Integer, nullable=False, default=0),
              Column("provider_id", Text), Column("error", Text))
TABLE = CallTable(woken, state=woken.c.state, due_at=woken.c.due_at, attempts=woken.c.attempts,
                  provider_id=woken.c.provider_id, error=woken.c.error)
TRIGGER = "woken_calls_due"
LONG_POLL = 3600.0
WAKE_SECONDS = 30.0
"""How long a wake-up (or a 0.5 s poll) may take here: far below LONG_POLL, far above a busy machine's stalls."""


class Provider:
    """Accepts every call and notes when it came (monotonic seconds), by row id."""

    def __init__(self) -> None:
        self.calls: dict[Any, list[float]] = {}

    async def send(self, row: Any) -> str | None:
        self.calls.setdefault(row.id, []).append(time.monotonic())
        await asyncio.sleep(0.01)
        return f"P-{row.id}"

    async def find(self, row: Any) -> None:
        return None

    async def accepted(self, uow: Any, row: Any, provider_id: str | None) -> None:
        pass

    async def failed(self, uow: Any, row: Any, reason: str, code: int | None) -> None:
        pass


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        for statement in create_notify_trigger(TRIGGER, "woken_calls", wake_channel("woken"),
                                               when="NEW.state = 'pending' AND NEW.due_at <= now()",
                                               update_of=("state", "due_at")):
            await connection.execute(text(statement))
    yield async_sessionmaker(engine, expire_on_commit=False)
    async with engine.begin() as connection:
        for statement in drop_notify_trigger(TRIGGER, "woken_calls"):
            await connection.execute(text(statement))
        await connection.run_sync(metadata.drop_all)
    await engine.dispose()


async def add(sessions: async_sessionmaker[AsyncSession], *, notify: bool = True, due: Any = None) -> Any:
    """A pending row, committed; `notify=False`: as if its NOTIFY were missed (the trigger is off)."""
    row_id = uuid4()
    async with sessions() as session, session.begin():
        if not notify:
            await session.execute(text(f"ALTER TABLE woken_calls DISABLE TRIGGER {TRIGGER}"))
        await session.execute(woken.insert().values(id=row_id, state="pending", due_at=due if due is not None
                                                    else func.now()))
        if not notify:
            await session.execute(text(f"ALTER TABLE woken_calls ENABLE TRIGGER {TRIGGER}"))
    return row_id


class Running:
    """A queue's job and listener running as tasks, as `ProviderCallQueue.run_forever` runs them."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], provider: Provider, poll: float) -> None:
        self.queue = ProviderCallQueue("woken", sessions, TABLE, provider, CallPolicy(lease_seconds=60))
        self.job: PeriodicJob = self.queue.job(interval_seconds=poll)
        self.listener: Listener = self.queue.listener(self.job)
        # No "SELECT 1" liveness check during a test: the reconnect test finds the listening backend
        # by its last query being the LISTEN, which a check after 30 s (a slow run) would replace.
        self.listener.check_every_seconds = LONG_POLL
        self.tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Running:
        self.tasks = [asyncio.create_task(self.listener.run_forever()), asyncio.create_task(self.job.run_forever())]
        await asyncio.wait_for(self.listener.listening.wait(), WAKE_SECONDS)
        # the job's first run, and the one the listener asked for on connecting, are over: it is idle
        # (a fixed pause was not always enough on a busy machine: a late run then took the row that
        # the first test says nothing calls)
        deadline = time.monotonic() + WAKE_SECONDS
        while self.job.runs < 2:
            assert time.monotonic() < deadline, "the queue's first runs never ended"
            await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *_: object) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def called_within(provider: Provider, row_ids: list[Any], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(row_id in provider.calls for row_id in row_ids):
            return True
        await asyncio.sleep(0.02)
    return False


async def test_a_committed_row_is_called_at_once_not_at_the_next_poll(sessions):
    provider = Provider()
    async with Running(sessions, provider, poll=LONG_POLL):
        missed = await add(sessions, notify=False)
        assert not await called_within(provider, [missed], 1.5)  # nothing else would wake it for an hour
        committed_at = time.monotonic()
        row_id = await add(sessions)
        assert await called_within(provider, [row_id], WAKE_SECONDS)
        assert provider.calls[row_id][0] - committed_at < WAKE_SECONDS < LONG_POLL
        assert missed in provider.calls  # the wake-up's claim takes every due row


async def test_a_row_rescheduled_to_now_wakes_the_queue(sessions):
    provider = Provider()
    async with Running(sessions, provider, poll=LONG_POLL):
        later = await add(sessions, due=func.now() + text("interval '1 hour'"))
        await asyncio.sleep(0.5)
        assert later not in provider.calls
        async with sessions() as session, session.begin():
            await session.execute(update(woken).where(woken.c.id == later).values(due_at=func.now()))
        assert await called_within(provider, [later], WAKE_SECONDS)


async def test_the_poll_still_finds_a_row_whose_notify_was_missed(sessions):
    provider = Provider()
    async with Running(sessions, provider, poll=0.5):
        row_id = await add(sessions, notify=False)
        assert await called_within(provider, [row_id], WAKE_SECONDS)


async def test_the_listener_catches_up_after_reconnecting(sessions):
    provider = Provider()
    async with Running(sessions, provider, poll=LONG_POLL) as running:
        async with sessions() as session, session.begin():  # the listening connection is cut
            cut = (await session.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND query LIKE 'LISTEN %provider_calls_woken%' AND pid <> pg_backend_pid()"))).scalars().all()
        assert cut == [True]
        row_id = await add(sessions)  # while it reconnects (its NOTIFY may be lost)
        assert await called_within(provider, [row_id], WAKE_SECONDS)
        await asyncio.wait_for(running.listener.listening.wait(), WAKE_SECONDS)


async def test_two_woken_replicas_call_each_row_once(sessions):
    provider = Provider()
    async with Running(sessions, provider, poll=LONG_POLL), Running(sessions, provider, poll=LONG_POLL):
        row_ids = []
        for _ in range(10):
            row_ids.append(await add(sessions))
        assert await called_within(provider, row_ids, WAKE_SECONDS)
        await asyncio.sleep(0.5)
    assert all(len(provider.calls[row_id]) == 1 for row_id in row_ids)
