"""One batch mixing everything a consumer meets: each message is handled once, whatever the path.

The batch path claims every handled id with one statement that answers the ids handled before
(`inbox.claim_batch`); these tests pin what that must keep: a redelivered message and a second copy
in the same batch change nothing, batch-handled and per-message types keep their order, a record
that cannot be decoded is dead-lettered, a type nobody handles is ignored, and a failed handler's
replay still claims each message once.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
import pytest_asyncio
from petcare_contracts import new_envelope
from petcare_contracts.events import billing, clients
from petcare_contracts.events.common import Contact
from petcare_kit import inbox
from petcare_kit.consumer import BatchConsumer, EventRouter
from petcare_kit.db import KIT_METADATA, create_engine, session_factory
from petcare_tools.testing.records import Record, record_of
from sqlalchemy import text

pytestmark = pytest.mark.asyncio(loop_scope="session")
GROUP = "batches"
COMPANY = uuid4()


@pytest_asyncio.fixture(loop_scope="session")
async def sessions(database_url: str) -> AsyncIterator:
    engine = create_engine(database_url, pool_size=2)
    async with engine.begin() as connection:
        await connection.run_sync(KIT_METADATA.create_all)
        await connection.execute(text("CREATE TABLE applied (id text PRIMARY KEY, times int NOT NULL)"))
    yield session_factory(engine)
    await engine.dispose()


class Demo:
    """Payments handled in batches, new clients one by one; both count applications in `applied`."""

    def __init__(self, sessions) -> None:
        self.sessions, self.offset = sessions, 0
        self.seen: list[str] = []
        self.router = EventRouter()
        self.router.on_batch(billing.PaymentSucceeded)(self.on_payments)
        self.router.add(clients.ClientAdded, self.on_client)
        self.consumer = BatchConsumer(group=GROUP, topics=["billing.events", "clients.events"], router=self.router,
                                      sessions=sessions)

    async def _apply(self, uow, ids: list[str]) -> None:
        if "explode" in ids:
            raise RuntimeError("a bug stand-in")
        await uow.session.execute(text(
            "INSERT INTO applied (id, times) SELECT unnest(CAST(:ids AS text[])), 1 "
            "ON CONFLICT (id) DO UPDATE SET times = applied.times + 1"), {"ids": ids})
        self.seen.extend(ids)

    async def on_payments(self, uow, payments) -> None:
        await self._apply(uow, [str(payment.payment_id) if payment.amount_cents >= 0 else "explode"
                                for _, payment in payments])

    async def on_client(self, uow, envelope, added) -> None:
        await self._apply(uow, [f"client {added.contact.first_name}"])

    def record(self, payload, envelope=None, *, value: bytes | None = None) -> Record:
        self.offset += 1
        envelope = envelope or new_envelope(payload, company_id=COMPANY, correlation_id="kit-test")
        return record_of(payload, envelope, offset=self.offset, value=value)

    async def applied(self) -> dict[str, int]:
        async with self.sessions() as session:
            return {row.id: row.times for row in await session.execute(text("SELECT id, times FROM applied"))}

    async def dead_letters(self) -> list[str]:
        async with self.sessions() as session:
            rows = await session.execute(text("SELECT topic FROM outbox"))
            return [row.topic for row in rows]


def payment(amount_cents: int = 100) -> billing.PaymentSucceeded:
    """A payment; a negative amount makes the handler fail (a bug stand-in)."""
    return billing.PaymentSucceeded(payment_id=uuid4(), invoice_id=uuid4(), client_id=uuid4(),
                                    amount_cents=amount_cents, initiated_by="client")


def client(name: str) -> clients.ClientAdded:
    return clients.ClientAdded(client_id=uuid4(), contact=Contact(first_name=name, last_name="King", emails=[],
                                                                  phones=[]))


async def test_a_mixed_batch_applies_each_message_once_in_order(sessions):
    demo = Demo(sessions)
    first, second, third = payment(), payment(), payment()
    earlier = demo.record(first)
    await demo.consumer.handle_batch([earlier])

    twice = demo.record(second)
    batch = [
        demo.record(first, new_envelope(first, company_id=COMPANY, correlation_id="x")),  # new id, same payment
        earlier,  # redelivered: handled in the batch before
        twice,
        demo.record(client("Ada")),
        twice,  # the same message twice in one batch
        demo.record(third),
        demo.record(payment(), value=b"{not json"),
        demo.record(billing.InvoiceEmailRequested(  # a type this group does not handle: ignored
            invoice_id=uuid4(), client_id=uuid4(), number="1", total_cents=1, balance_cents=1, invoice_url="x")),
    ]
    await demo.consumer.handle_batch(batch)

    applied = await demo.applied()
    assert applied[str(first.payment_id)] == 2  # its first envelope once, the second envelope once
    assert applied[str(second.payment_id)] == 1
    assert applied[str(third.payment_id)] == 1
    assert applied["client Ada"] == 1
    # order kept across the batch and per-message paths
    assert demo.seen.index(str(second.payment_id)) < demo.seen.index("client Ada") < demo.seen.index(
        str(third.payment_id))
    assert await demo.dead_letters() == [f"{GROUP}.dlq"]


async def test_a_batch_replayed_after_a_failure_still_handles_each_message_once(sessions):
    demo = Demo(sessions)
    good, again = payment(), payment()
    kept = demo.record(again)
    await demo.consumer.handle_batch([kept])
    await demo.consumer.handle_batch([demo.record(good), kept, demo.record(payment(-1)), kept])

    applied = await demo.applied()
    assert applied[str(good.payment_id)] == 1
    assert applied[str(again.payment_id)] == 1
    assert await demo.dead_letters() == [f"{GROUP}.dlq"]


async def test_claim_batch_answers_the_ids_handled_before_and_records_the_rest_once(sessions):
    old, new = uuid4(), uuid4()
    async with sessions() as session, session.begin():
        assert await inbox.claim_batch(session, GROUP, [old]) == set()
    async with sessions() as session, session.begin():
        assert await inbox.claim_batch(session, GROUP, [old, new, new]) == {old}
        assert await inbox.claim_batch(session, GROUP, []) == set()
    async with sessions() as session:
        rows = await session.execute(text("SELECT message_id FROM inbox WHERE consumer_group = :g"), {"g": GROUP})
        assert sorted(r.message_id for r in rows) == sorted([old, new])


async def test_decoding_leaves_the_garbage_collector_as_it_found_it(sessions):
    demo = Demo(sessions)
    assert gc.isenabled()
    await demo.consumer.handle_batch([demo.record(payment()), demo.record(payment(), value=b"{not json")])
    assert gc.isenabled()
    gc.disable()  # a process that turned it off keeps it off
    try:
        await demo.consumer.handle_batch([demo.record(payment())])
        assert not gc.isenabled()
    finally:
        gc.enable()
