"""An existing notifications database (revision 0002: its own recipients, company names and waiting
events) upgrades to the kit's waiting room and clients directory without losing anything."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import uuid4

import pytest
from alembic import command
from notifications.spec import SPEC
from petcare_contracts import new_envelope
from petcare_contracts.events import billing
from petcare_kit.client_directory import Directory
from petcare_kit.db import create_engine, session_factory
from petcare_kit.migrations import upgrade_to_head
from petcare_kit.migrations.runner import alembic_config
from petcare_kit.unit_of_work import UnitOfWork
from petcare_kit.waiting import WaitingRoom
from sqlalchemy import text

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_database_at_0002_upgrades_keeping_people_companies_and_waiting_events(database_url):
    await asyncio.to_thread(command.upgrade, alembic_config(SPEC.alembic_dir, database_url), "0002")
    company, client, stranger = uuid4(), uuid4(), uuid4()
    payment = billing.PaymentSucceeded(payment_id=uuid4(), invoice_id=uuid4(), client_id=stranger,
                                       amount_cents=100, initiated_by="client")
    waiting = new_envelope(payment, company_id=company, correlation_id="old")
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(
                "INSERT INTO recipients (person_id, company_id, kind, role, name, email, mobile, active) "
                "VALUES (:p, :c, 'client', 'client', 'Ada King', 'ada@example.com', '(416) 555-0199', false)"),
                {"p": client, "c": company})
            await connection.execute(text(
                "INSERT INTO companies (company_id, name, notify_client_when_visit_starts, switches_off) "
                "VALUES (:c, 'Old Paws', true, '[\"event_started\"]')"), {"c": company})
            await connection.execute(text(
                "INSERT INTO waiting_events (id, company_id, person_id, topic, envelope) "
                "VALUES (:id, :c, :p, 'billing.events', :e)"),
                {"id": waiting.id, "c": company, "p": stranger, "e": waiting.model_dump_json()})
        await asyncio.to_thread(upgrade_to_head, SPEC.alembic_dir, database_url)

        sessions = session_factory(engine)
        async with sessions() as session:
            person = await Directory(session).person(company, client)
            firm = await Directory(session).company(company)
            switches_off = await session.scalar(text("SELECT switches_off FROM companies"))
        assert person is not None and (person.name, person.email, person.active) == ("Ada King", "ada@example.com",
                                                                                     False)
        assert person.phones[0]["number"] == "(416) 555-0199"
        assert firm is not None and (firm.name, firm.notify_client_when_visit_starts) == ("Old Paws", True)
        assert switches_off == ["event_started"]

        async with UnitOfWork(sessions) as uow:
            assert await WaitingRoom("notifications", timedelta(0)).dead_letter_expired(uow) == 1
        async with sessions() as session:
            [letter] = list(await session.execute(text(
                "SELECT key, value, headers FROM outbox WHERE topic = 'notifications.dlq'")))
        headers = {name: value for name, value, *_ in letter.headers}
        assert headers["dlq-reason"].startswith(f"unknown_recipient: {stranger}")
        assert headers["dlq-original-topic"] == "billing.events" and headers["message-id"] == str(waiting.id)
        assert letter.key == payment.partition_key().encode() and letter.value == waiting.model_dump_json().encode()
    finally:
        await engine.dispose()
