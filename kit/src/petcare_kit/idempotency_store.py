"""Where `petcare_kit.idempotency` keeps the answers to keyed POSTs: the kit's `idempotency_keys`
table, one row per (company, person, key), read, written in the effect's transaction, and purged
after 24 hours. Repositories never commit: the caller's transaction decides."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petcare_kit.db import KIT_METADATA

KEEP_HOURS = 24

idempotency_keys = Table(
    "idempotency_keys",
    KIT_METADATA,
    Column("company_id", Uuid, nullable=False, comment="nil UUID for a person of no company"),
    Column("person_id", Uuid, nullable=False),
    Column("key", Text, nullable=False),
    Column("request_hash", Text, nullable=False, comment="sha256 of method, path, query and body"),
    Column("status", Integer, nullable=False),
    Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("body", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("company_id", "person_id", "key"),
    Index("idempotency_keys_created_at", "created_at"),
)

_EXPIRED = idempotency_keys.c.created_at <= func.now() - text(f"interval '{KEEP_HOURS} hours'")


@dataclass(frozen=True)
class KeyScope:
    """One key of one person of one company."""

    company_id: UUID
    person_id: UUID
    key: str


@dataclass(frozen=True)
class StoredAnswer:
    request_hash: str
    status: int
    headers: dict[str, str]
    body: bytes


async def find_answer(session: AsyncSession, scope: KeyScope) -> StoredAnswer | None:
    """The answer kept for this key in the last 24 hours, or None."""
    row = (await session.execute(select(idempotency_keys).where(
        idempotency_keys.c.company_id == scope.company_id, idempotency_keys.c.person_id == scope.person_id,
        idempotency_keys.c.key == scope.key, ~_EXPIRED,
    ))).one_or_none()
    if row is None:
        return None
    return StoredAnswer(row.request_hash, row.status, dict(row.headers), bytes(row.body))


async def store_answer(session: AsyncSession, scope: KeyScope, answer: StoredAnswer) -> bool:
    """Insert the answer in the session's transaction, replacing an expired row of the same key.
    False if a live answer for the key is already there (nothing written)."""
    values = {"company_id": scope.company_id, "person_id": scope.person_id, "key": scope.key,
              "request_hash": answer.request_hash, "status": answer.status, "headers": answer.headers,
              "body": answer.body}
    new_row = insert(idempotency_keys).values(**values)
    statement = new_row.on_conflict_do_update(
        index_elements=["company_id", "person_id", "key"],
        set_={**{name: new_row.excluded[name] for name in values}, "created_at": func.now()}, where=_EXPIRED,
    ).returning(idempotency_keys.c.key)
    return (await session.execute(statement)).first() is not None


async def purge(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Delete answers older than 24 hours, in a transaction of its own; returns how many."""
    async with sessions() as session, session.begin():
        # On the session's connection: a Core statement's result there is a CursorResult (rowcount).
        connection = await session.connection()
        result = await connection.execute(delete(idempotency_keys).where(_EXPIRED))
        return result.rowcount or 0
