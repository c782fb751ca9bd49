"""Every service's migrations are one linear chain, so the runner upgrades to "head": a new database
ends at that one head, and so does a database migrated while `kit_idempotency_keys` was a branch off
0001 (it records two heads, which the runner folds into one)."""

from __future__ import annotations

import asyncio

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from petcare_kit.db import create_engine
from petcare_kit.migrations import upgrade_to_head
from petcare_kit.migrations.runner import alembic_config
from petcare_kit.service_spec import installed_services
from sqlalchemy import text

pytestmark = pytest.mark.asyncio(loop_scope="session")

SERVICES = {spec.name: spec for spec in installed_services() if spec.alembic_dir is not None}


def _heads(spec_name: str, database_url: str) -> tuple[str, ...]:
    config = alembic_config(SERVICES[spec_name].alembic_dir, database_url)  # type: ignore[arg-type]
    return tuple(ScriptDirectory.from_config(config).get_heads())


async def _recorded(database_url: str) -> list[str]:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())
    finally:
        await engine.dispose()


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_each_service_has_one_head_and_a_new_database_reaches_it(service, database_url):
    heads = _heads(service, database_url)
    assert len(heads) == 1, f"{service} has several heads: {heads}"
    await asyncio.to_thread(upgrade_to_head, SERVICES[service].alembic_dir, database_url)
    assert await _recorded(database_url) == list(heads)


@pytest.mark.parametrize("service", sorted(s for s in SERVICES if s in ("clients", "notifications", "texting")))
async def test_a_database_at_the_old_two_heads_upgrades_to_the_one_head(service, database_url):
    """The old heads: the service's own last revision of then, and the kit_idempotency_keys branch."""
    old_head = {"clients": "0002_outbox_published_to", "notifications": "0003_outbox_published_to",
                "texting": "0005_outbox_published_to"}[service]
    config = alembic_config(SERVICES[service].alembic_dir, database_url)  # type: ignore[arg-type]
    await asyncio.to_thread(command.upgrade, config, old_head)
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO alembic_version VALUES ('kit_idempotency_keys')"))
    finally:
        await engine.dispose()
    await asyncio.to_thread(upgrade_to_head, SERVICES[service].alembic_dir, database_url)
    assert await _recorded(database_url) == list(_heads(service, database_url))
