"""An existing texting database (its own `people` and company names, at the old heads
{0005_outbox_published_to, kit_idempotency_keys}) upgrades to the kit's clients directory without
losing anyone, an inbound text still finds its sender by any of their numbers (R-TEXT-8), and the
client phone number field chosen before it was published reaches notifications (R-TEXT-4)."""

from __future__ import annotations

import asyncio
import json
from uuid import uuid4

import pytest
from alembic import command
from petcare_kit.client_directory import Directory
from petcare_kit.db import create_engine, session_factory
from petcare_kit.migrations import upgrade_to_head
from petcare_kit.migrations.runner import alembic_config
from sqlalchemy import text
from texting.adapters.accounts import SqlAccounts
from texting.adapters.people import SqlPeople
from texting.spec import SPEC

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_database_at_the_old_heads_upgrades_keeping_people_numbers_and_company_names(database_url):
    await asyncio.to_thread(command.upgrade, alembic_config(SPEC.alembic_dir, database_url),
                            "0005_outbox_published_to")
    company, client, gone = uuid4(), uuid4(), uuid4()
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.begin() as connection:
            # What a database migrated while kit_idempotency_keys was a branch off 0001 records.
            await connection.execute(text("INSERT INTO alembic_version VALUES ('kit_idempotency_keys')"))
            await connection.execute(text(
                "INSERT INTO companies (company_id, name, mobile_field) VALUES (:c, 'Old Paws', 'Cell')"),
                {"c": company})
            for person, name, active, numbers in [(client, "Ada King", True, ["+14165550199", "+16465550123"]),
                                                  (gone, "Former Staff", False, ["+12125550100"])]:
                await connection.execute(text(
                    "INSERT INTO people (person_id, company_id, kind, name, phones, custom_fields, active, numbers) "
                    "VALUES (:p, :c, :k, :n, :phones, :fields, :a, :numbers)"),
                    {"p": person, "c": company, "k": "client" if active else "staff", "n": name, "a": active,
                     "phones": json.dumps([{"label": "mobile", "number": numbers[0], "e164": numbers[0]}]),
                     "fields": json.dumps({"Cell": numbers[-1]}), "numbers": numbers})
        await asyncio.to_thread(upgrade_to_head, SPEC.alembic_dir, database_url)

        sessions = session_factory(engine)
        async with sessions() as session:
            versions = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
            person = await Directory(session).person(company, client)
            by_field = await SqlPeople(session).with_number(company, "+16465550123")
            inactive = await SqlPeople(session).with_number(company, "+12125550100")
            account = await SqlAccounts(session).get(company)
            published = [json.loads(value) for value in (await session.execute(text(
                "SELECT value FROM outbox WHERE topic = 'texting.events'"))).scalars()]
        assert versions == ["0008_text_wakeups"]  # the head
        assert person is not None and (person.name, person.kind, person.active) == ("Ada King", "client", True)
        assert person.custom_fields == {"Cell": "+16465550123"}
        assert [p.person_id for p in by_field] == [client] and inactive == []
        assert account.name == "Old Paws" and account.mobile_field == "Cell"
        # R-TEXT-4: the setting chosen before notifications could hear of it is published once.
        assert [(e["type"], e["company_id"], e["data"]["mobile_field"]) for e in published] == [
            ("texting.mobile_field.changed", str(company), "Cell")]
    finally:
        await engine.dispose()
