"""The database side every service shares: engine, sessions, and the tables of the kit.

Each service owns one PostgreSQL database. Besides its own tables it has the kit's two:
`outbox` (events waiting for, or kept after, publication) and `inbox` (message ids a consumer group
has handled). Both live in `KIT_METADATA`; a service's Alembic env includes it, and the service's
first migration creates them with `petcare_kit.migrations.create_kit_tables()`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

KIT_METADATA = MetaData()

outbox_table = Table(
    "outbox",
    KIT_METADATA,
    Column("id", Uuid, primary_key=True, comment="the envelope id: inserting it twice is one event"),
    Column("seq", BigInteger, Identity(always=True), nullable=False, comment="publication order"),
    Column("topic", Text, nullable=False),
    Column("key", LargeBinary, nullable=True),
    Column("value", LargeBinary, nullable=True),
    Column("headers", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Index("outbox_unpublished_seq", "seq", postgresql_where=text("published_at IS NULL")),
    Index("outbox_published_at", "published_at", postgresql_where=text("published_at IS NOT NULL")),
)

inbox_table = Table(
    "inbox",
    KIT_METADATA,
    Column("consumer_group", Text, nullable=False),
    Column("message_id", Uuid, nullable=False),
    Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("consumer_group", "message_id"),
    Index("inbox_handled_at", "handled_at"),
)

OUTBOX_CHANNEL = "outbox"
"""NOTIFY channel: a statement trigger on `outbox` wakes the relay when rows are committed."""


def create_engine(url: str, *, pool_size: int = 10, pre_ping: bool = True) -> AsyncEngine:
    """An asyncpg engine with `pool_size` connections (and as many overflow). `pre_ping` tests each
    connection as it is checked out (a round trip, plus the transaction around it): right for request
    handlers, which should not answer 500 for a connection the server dropped while it sat in the pool.
    The consumer turns it off: a dropped connection fails its batch with a transient error, the
    pool replaces the connection and the batch is retried (`BatchConsumer`), so the ping would buy
    nothing but three round trips per batch (docs/performance.md)."""
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=pre_ping)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """asyncpg wants `postgresql://`; SQLAlchemy wants `postgresql+asyncpg://`. Same server."""
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)
