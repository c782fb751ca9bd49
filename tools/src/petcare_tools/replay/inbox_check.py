"""How many of the selected messages a consumer group has already applied (R-REPLAY-9).

Consumers record every message id they handle in their database's `inbox` (consumer_group,
message_id) in the transaction of its effects, and skip an id that is there. Given the consuming
service's database (`--inbox-db`) the tool counts, before or after writing, how many of the
messages it selected are already there: those change nothing when they arrive again.
Inbox rows are kept 30 days (`<PREFIX>INBOX_RETENTION_DAYS`): older messages are not protected,
which the report says.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from petcare_tools.replay.errors import BadInput

BATCH = 10_000


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _count(url: str, group: str, ids: list[uuid.UUID]) -> int:
    try:
        connection = await asyncpg.connect(_dsn(url), timeout=10)
    except (OSError, asyncpg.PostgresError, ValueError) as error:
        raise BadInput(f"--inbox-db: cannot connect ({error})") from error
    try:
        total = 0
        for start in range(0, len(ids), BATCH):
            total += await connection.fetchval(
                "SELECT count(*) FROM inbox WHERE consumer_group = $1 AND message_id = ANY($2::uuid[])",
                group, ids[start:start + BATCH])
        return int(total)
    except asyncpg.UndefinedTableError as error:
        raise BadInput("--inbox-db: that database has no inbox table (not a service's database?)") from error
    finally:
        await connection.close()


def already_applied(url: str, group: str, message_ids: list[str]) -> int:
    """How many of `message_ids` (distinct) `group` has recorded in its inbox at `url`."""
    ids = []
    for text in dict.fromkeys(message_ids):
        try:
            ids.append(uuid.UUID(text))
        except ValueError:
            continue  # not one of ours: no consumer of ours could have recorded it
    return asyncio.run(_count(url, group, ids))
