"""The kit's waiting room and clients directory on a real PostgreSQL, driven through the consumer
engine as Kafka would drive it: an event naming someone not known yet waits, is replayed when
clients.events introduces them, and is dead-lettered after the wait in the consumer's one format."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
import pytest_asyncio
from petcare_contracts import new_envelope
from petcare_contracts.events import billing, clients
from petcare_contracts.events.common import Contact, Phone
from petcare_kit import client_directory
from petcare_kit.client_directory import DIRECTORY_METADATA, Directory
from petcare_kit.consumer import BatchConsumer, EventRouter
from petcare_kit.db import KIT_METADATA, create_engine, session_factory
from petcare_kit.unit_of_work import UnitOfWork
from petcare_kit.waiting import WAITING_METADATA, NotKnownYet, WaitingRoom
from petcare_tools.testing.records import Record, record_of
from sqlalchemy import text

pytestmark = pytest.mark.asyncio(loop_scope="session")
GROUP = "demo"
DLQ_HEADERS = {"dlq-reason", "dlq-consumer-group", "dlq-original-topic", "dlq-original-partition",
               "dlq-original-offset", "dlq-failed-at"}


class Demo:
    """A consuming service in miniature: the directory mounted, one handler that needs the client."""

    def __init__(self, sessions, wait: timedelta) -> None:
        self.sessions = sessions
        self.room = WaitingRoom(GROUP, wait)
        self.router = EventRouter(handles=[*client_directory.DIRECTORY_EVENTS, billing.PaymentSucceeded],
                                  waiting=self.room)
        self.receipts: list[str] = []

        async def replay(uow, envelope, change) -> None:
            await self.router.replay_waiting(uow, change.entity_id)

        client_directory.mount(self.router, then=replay)
        self.router.add(billing.PaymentSucceeded, self.on_payment)
        self.consumer = BatchConsumer(group=GROUP, topics=["clients.events", "billing.events"], router=self.router,
                                      sessions=sessions)
        self.offset = 100

    async def on_payment(self, uow, envelope, event: billing.PaymentSucceeded) -> None:
        await uow.session.execute(text("SELECT 1"))  # some work that must be rolled back when parking
        person = await Directory(uow.session).person(envelope.company_id, event.client_id)
        if person is None:
            raise NotKnownYet(event.client_id)
        self.receipts.append(f"{person.name}: {event.amount_cents}")

    async def feed(self, payload, company_id: UUID, *, partition: int = 3, value: bytes | None = None) -> Record:
        self.offset += 1
        record = record_of(payload, new_envelope(payload, company_id=company_id, correlation_id="kit-test"),
                           offset=self.offset, value=value)
        record.partition = partition
        await self.consumer.handle_batch([record])
        return record

    async def rows(self, sql: str) -> list:
        async with self.sessions() as session:
            return list(await session.execute(text(sql)))


@pytest_asyncio.fixture(loop_scope="session")
async def sessions(database_url: str) -> AsyncIterator:
    engine = create_engine(database_url, pool_size=2)
    async with engine.begin() as connection:
        for metadata in (KIT_METADATA, WAITING_METADATA, DIRECTORY_METADATA):
            await connection.run_sync(metadata.create_all)
    yield session_factory(engine)
    await engine.dispose()


def headers_of(row) -> dict[str, str]:
    return {name: value for name, value, *_ in row.headers}


def added(client_id: UUID) -> clients.ClientAdded:
    return clients.ClientAdded(client_id=client_id, contact=Contact(
        first_name="Ada", last_name="King", emails=["ada@example.com"],
        phones=[Phone(label="mobile", number="(416) 555-0199", e164="+14165550199")], custom_fields={"Cell": "x"}))


def paid(client_id: UUID) -> billing.PaymentSucceeded:
    return billing.PaymentSucceeded(payment_id=uuid4(), invoice_id=uuid4(), client_id=client_id, amount_cents=2500,
                                    initiated_by="client")


async def test_an_event_before_its_client_waits_and_is_replayed_once_the_client_appears(sessions):
    demo, company, client = Demo(sessions, timedelta(hours=1)), uuid4(), uuid4()
    await demo.feed(paid(client), company)
    assert demo.receipts == [] and len(await demo.rows("SELECT 1 FROM waiting_events")) == 1
    await demo.feed(added(client), company)
    assert demo.receipts == ["Ada King: 2500"]
    assert await demo.rows("SELECT 1 FROM waiting_events") == []
    async with sessions() as session:
        person = await Directory(session).person(company, client)
    assert person is not None and person.phones[0]["e164"] == "+14165550199" and person.custom_fields == {"Cell": "x"}


async def test_a_client_who_never_appears_is_dead_lettered_in_the_consumers_format(sessions):
    demo, company, stranger = Demo(sessions, timedelta(seconds=0)), uuid4(), uuid4()
    parked = await demo.feed(paid(stranger), company, partition=5)
    malformed = await demo.feed(paid(stranger), company, partition=6, value=b"not json")
    async with UnitOfWork(sessions) as uow:
        assert await demo.room.dead_letter_expired(uow) == 1
    letters = await demo.rows(f"SELECT key, value, headers FROM outbox WHERE topic = '{GROUP}.dlq'")
    by_reason = {headers_of(row)["dlq-reason"].split(":")[0]: row for row in letters}
    assert set(by_reason) == {"malformed_message", "not_known_yet"}
    for reason, record in (("not_known_yet", parked), ("malformed_message", malformed)):
        row = by_reason[reason]
        headers = headers_of(row)
        assert DLQ_HEADERS <= set(headers), reason  # one format: the consumer's
        assert headers["dlq-original-partition"] == str(record.partition)
        assert headers["dlq-original-offset"] == str(record.offset)
        assert headers["dlq-original-topic"] == record.topic and headers["dlq-consumer-group"] == GROUP
        assert row.key == record.key and row.value == record.value  # the original, byte for byte
        assert headers["message-id"] == dict(record.headers)["message-id"].decode()  # its own headers kept
    assert str(stranger) in headers_of(by_reason["not_known_yet"])["dlq-reason"]
    assert demo.receipts == []


async def test_details_update_deactivation_and_company_settings_follow_in_the_directory(sessions):
    demo, company, client = Demo(sessions, timedelta(hours=1)), uuid4(), uuid4()
    await demo.feed(clients.CompanyRegistered(company_id=company, name="Paws", slug="paws", time_zone="America/Toronto",
                                              first_admin_id=uuid4()), company)
    await demo.feed(added(client), company)
    await demo.feed(clients.ClientDeactivated(client_id=client, delete_future_visits=True, delete_templates=True),
                    company)
    await demo.feed(clients.ClientDetailsUpdated(client_id=client, changed_fields=["last_name"], contact=Contact(
        first_name="Ada", last_name="Lovelace", emails=[], phones=[])), company)
    async with sessions() as session:
        directory = Directory(session)
        person, firm = await directory.person(company, client), await directory.company(company)
        assert await directory.person(uuid4(), client) is None  # another company sees nobody
    assert person is not None and (person.name, person.email, person.active) == ("Ada Lovelace", None, False)
    assert firm is not None and (firm.name, firm.time_zone) == ("Paws", "America/Toronto")
