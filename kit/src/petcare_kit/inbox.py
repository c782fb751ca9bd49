"""The read side of exactly-once effects: a consumer group records each message id it handles in
the same transaction as the handler's effects, so a redelivery or a replay changes nothing twice."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

# One statement whatever the batch size: compiled and prepared once (a multi-row VALUES would be
# compiled again for every batch, with a bind parameter per id).
_CLAIM = text(
    "INSERT INTO inbox (consumer_group, message_id) SELECT :group, unnest(:ids) "
    "ON CONFLICT DO NOTHING RETURNING message_id"
).bindparams(bindparam("ids", type_=ARRAY(Uuid)))


async def claim(session: AsyncSession, consumer_group: str, message_ids: Iterable[UUID]) -> set[UUID]:
    """Record the ids; return those that were new (the ones to handle now)."""
    ids = list(set(message_ids))
    if not ids:
        return set()
    return set((await session.execute(_CLAIM, {"group": consumer_group, "ids": ids})).scalars())


# The batch form answers the other way round: the ids that were there already (a redelivery, a
# replay), usually none, instead of the new ones, usually all: no rows to send back and convert.
_CLAIM_BATCH = text(
    "WITH batch AS (SELECT unnest(:ids) AS id), "
    "claimed AS (INSERT INTO inbox (consumer_group, message_id) SELECT :group, id FROM batch "
    "ON CONFLICT DO NOTHING RETURNING message_id) "
    "SELECT id FROM batch EXCEPT SELECT message_id FROM claimed"
).bindparams(bindparam("ids", type_=ARRAY(Uuid)))


async def claim_batch(session: AsyncSession, consumer_group: str, message_ids: list[UUID]) -> set[UUID]:
    """Record the ids (one statement, in the session's transaction); return those recorded before,
    i.e. the messages this group has handled already. An id twice in `message_ids` is recorded once
    and is not among the returned ones: telling its second copy apart is the caller's job."""
    if not message_ids:
        return set()
    return set((await session.execute(_CLAIM_BATCH, {"group": consumer_group, "ids": message_ids})).scalars())
