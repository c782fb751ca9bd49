"""The consumer's pool has no pre-ping (petcare_kit.db.create_engine says why): a connection the
server dropped while it sat in the pool fails the next batch with a transient error, the pool
replaces it, and the batch is applied on the retry, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
import pytest_asyncio
from petcare_contracts import new_envelope
from petcare_contracts.events import clients
from petcare_contracts.events.common import Contact
from petcare_kit.consumer import BatchConsumer, EventRouter
from petcare_kit.db import KIT_METADATA, create_engine, session_factory
from petcare_tools.testing.records import record_of
from sqlalchemy import text

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def engine(database_url: str) -> AsyncIterator:
    engine = create_engine(database_url, pool_size=1, pre_ping=False)
    async with engine.begin() as connection:
        await connection.run_sync(KIT_METADATA.create_all)
        await connection.execute(text("CREATE TABLE added (client_id uuid PRIMARY KEY, times int NOT NULL)"))
    yield engine
    await engine.dispose()


async def test_a_connection_dropped_in_the_pool_costs_one_retry_and_nothing_is_applied_twice(engine, database_url):
    sessions = session_factory(engine)

    async def on_added(uow, envelope, event) -> None:
        await uow.session.execute(text(
            "INSERT INTO added VALUES (:c, 1) ON CONFLICT (client_id) DO UPDATE SET times = added.times + 1"),
            {"c": event.client_id})

    router = EventRouter()
    router.add(clients.ClientAdded, on_added)
    consumer = BatchConsumer(group=f"no-ping-{uuid4().hex[:6]}", topics=["clients.events"], router=router,
                             sessions=sessions, transient_max_wait_seconds=0.2)

    def record(offset: int):
        payload = clients.ClientAdded(client_id=uuid4(), contact=Contact(first_name="Ada", last_name="King",
                                                                         emails=[], phones=[]))
        return record_of(payload, new_envelope(payload, company_id=uuid4(), correlation_id="kit-test"), offset=offset)

    await consumer.handle_batch([record(1)])  # the pool's one connection is now idle in the pool
    async with sessions() as session:
        backend = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    admin = create_engine(database_url, pool_size=1)
    try:
        async with admin.connect() as connection:
            assert (await connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": backend})).scalar_one()
    finally:
        await admin.dispose()

    second = record(2)
    await consumer.handle_batch([second, second])  # the same message twice in the batch, too
    async with sessions() as session:
        rows = (await session.execute(text("SELECT times FROM added ORDER BY times"))).scalars().all()
        now = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    assert rows == [1, 1] and now != backend
