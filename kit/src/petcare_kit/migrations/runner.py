"""Running Alembic for a service, from the command line or from tests."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from sqlalchemy import MetaData, inspect, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from petcare_kit.db import KIT_METADATA


def alembic_config(alembic_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(alembic_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(alembic_dir: Path, database_url: str) -> None:
    """Blocking; from async code call it with `asyncio.to_thread`. Each service's revisions are one
    linear chain, so "head" is one revision; a kit table added to all services is a revision in
    each chain (e.g. `kit_idempotency_keys`, right after `0001`). Raises alembic's CommandError
    when a chain has several heads again."""
    command.upgrade(alembic_config(alembic_dir, database_url), "head")


def run_env(service_metadata: MetaData) -> None:
    """The body of every service's alembic/env.py."""
    url = context.config.get_main_option("sqlalchemy.url") or os.environ["DATABASE_URL"]
    target_metadata = [service_metadata, KIT_METADATA]
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, target_metadata))


async def _run_online(url: str, target_metadata: list[MetaData]) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_migrate, target_metadata)
    await engine.dispose()


def _migrate(connection: Connection, target_metadata: list[MetaData]) -> None:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        fold_overlapping_heads(connection, context.script)
        context.run_migrations()


def fold_overlapping_heads(connection: Connection, script: ScriptDirectory) -> list[str]:
    """Forget recorded versions that are ancestors of another recorded version; returns them.

    `kit_idempotency_keys` was once a branch off `0001`, so a database migrated then records two
    heads, e.g. {"0005_outbox_published_to", "kit_idempotency_keys"}. Now that the revision sits in
    the linear chain right after `0001`, it is an ancestor of the other, and alembic refuses
    versions that overlap; the descendant alone says the same thing. Versions the scripts do not
    know are left for alembic to report."""
    if not inspect(connection).has_table("alembic_version"):
        return []
    recorded = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    known = {version for version in recorded if _known(script, version)} if len(recorded) > 1 else set()
    ancestors: set[str] = set()
    for version in known:
        ancestors |= {r.revision for r in script.iterate_revisions(version, "base")} - {version}
    folded = sorted(known & ancestors)
    for version in folded:
        connection.execute(text("DELETE FROM alembic_version WHERE version_num = :v"), {"v": version})
    return folded


def _known(script: ScriptDirectory, version: str) -> bool:
    try:
        return script.revision_map.get_revision(version) is not None
    except ResolutionError:
        return False
