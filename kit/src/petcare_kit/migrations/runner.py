"""Running Alembic for a service, from the command line or from tests."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from petcare_kit.db import KIT_METADATA


def alembic_config(alembic_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(alembic_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(alembic_dir: Path, database_url: str) -> None:
    """Blocking; from async code call it with `asyncio.to_thread`. Every head: a kit table added to
    all services ships as its own branch off a service's first revision (e.g. `idempotency_keys`)."""
    command.upgrade(alembic_config(alembic_dir, database_url), "heads")


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
        context.run_migrations()
