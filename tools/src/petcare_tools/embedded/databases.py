"""Databases and their logins on any PostgreSQL we hold a superuser URL for (embedded or not).

Each service gets its own database and its own login, as in production. Dev and test logins use
their name as password: these servers bind 127.0.0.1 only and hold nothing secret.
"""

from __future__ import annotations

import re
import secrets

import asyncpg
from sqlalchemy.engine import URL, make_url

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def app_url(admin_url: str, name: str) -> str:
    """The SQLAlchemy URL with which login `name` reaches database `name` on the admin URL's server."""
    url = make_url(admin_url).set(
        drivername="postgresql+asyncpg", username=name, password=name, database=name
    )
    return url.render_as_string(hide_password=False)


async def ensure_database(admin_url: str, name: str) -> str:
    """Create login `name` (password `name`) and database `name` owned by it, when missing.

    Safe to run again and concurrently; returns the SQLAlchemy URL of the database.
    """
    _check_identifier(name)
    conn = await _connect(admin_url)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name):
            try:
                await conn.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{name}'")
            except asyncpg.DuplicateObjectError:
                pass
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            try:
                await conn.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
            except asyncpg.DuplicateDatabaseError:
                pass
    finally:
        await conn.close()
    return app_url(admin_url, name)


async def create_fresh_database(admin_url: str, prefix: str) -> str:
    """A new empty database with its own login, named `<prefix>_<random>`; returns its URL."""
    stem = re.sub(r"[^a-z0-9_]+", "_", prefix.lower()).strip("_")[:40] or "test"
    if not stem[0].isalpha():
        stem = f"t_{stem}"[:40]
    return await ensure_database(admin_url, f"{stem}_{secrets.token_hex(4)}")


async def drop_database(admin_url: str, name: str) -> None:
    """Drop database `name` (closing its connections) and login `name`, if they exist."""
    _check_identifier(name)
    conn = await _connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'DROP ROLE IF EXISTS "{name}"')
    finally:
        await conn.close()


async def _connect(admin_url: str) -> asyncpg.Connection:
    url: URL = make_url(admin_url).set(drivername="postgresql")
    return await asyncpg.connect(url.render_as_string(hide_password=False), timeout=10)


def _check_identifier(name: str) -> None:
    """Names go into SQL unquoted by asyncpg (DDL takes no parameters), so allow only plain ones."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain lower-case PostgreSQL identifier: {name!r}")
