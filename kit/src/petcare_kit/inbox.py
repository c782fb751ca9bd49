"""The read side of exactly-once effects: a consumer group records each message id it handles in
the same transaction as the handler's effects, so a redelivery or a replay changes nothing twice."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from petcare_kit.db import inbox_table


async def claim(session: AsyncSession, consumer_group: str, message_ids: Iterable[UUID]) -> set[UUID]:
    """Record the ids; return those that were new (the ones to handle now)."""
    rows = [{"consumer_group": consumer_group, "message_id": message_id} for message_id in set(message_ids)]
    if not rows:
        return set()
    statement = (
        insert(inbox_table).values(rows).on_conflict_do_nothing().returning(inbox_table.c.message_id)
    )
    return set((await session.execute(statement)).scalars())
