"""The write side of the transactional outbox: events become rows in the caller's transaction.

Nothing publishes to Kafka from a request handler: the row commits with the state change or not at
all, and the relay (`petcare_kit.relay`) publishes it. See docs/reliability.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID, uuid5

from petcare_contracts import Envelope, envelope_headers
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from petcare_kit import tracing
from petcare_kit.db import outbox_table
from petcare_kit.headers import KafkaHeaders, headers_to_json


def envelope_row(envelope: Envelope, *, topic: str, key: str) -> dict:
    return {
        "id": envelope.id,
        "topic": topic,
        "key": key.encode(),
        "value": envelope.model_dump_json().encode(),
        # the trace context of the request or message writing the row: the relay's span joins its trace
        "headers": headers_to_json(envelope_headers(envelope) + tracing.outbox_headers()),
    }


def raw_row(*, row_id: UUID, topic: str, key: bytes | None, value: bytes | None, headers: KafkaHeaders) -> dict:
    """A row for bytes that are not an envelope of ours (a dead-lettered original)."""
    return {"id": row_id, "topic": topic, "key": key, "value": value, "headers": headers_to_json(headers)}


_INSERT = insert(outbox_table).on_conflict_do_nothing(index_elements=["id"])
"""Built once, run as executemany: compiled once, and no limit on rows per call (a multi-row VALUES
is compiled per call and fails past 32,767 bind parameters)."""


async def add_rows(session: AsyncSession, rows: Sequence[dict]) -> None:
    """Insert outbox rows in the session's transaction. A row whose id is already there is skipped:
    writing the same message twice (a retried handler) still publishes it once."""
    if rows:
        await session.execute(_INSERT, list(rows))


DEAD_LETTER_NAMESPACE = UUID("0b6a2f0e-5d37-4a4a-9d4c-3f4f0a6c9e11")


def dead_letter_row_id(consumer_group: str, topic: str, partition: int, offset: int) -> UUID:
    """Deterministic, so the same record dead-lettered again after a redelivery is one row."""
    return uuid5(DEAD_LETTER_NAMESPACE, f"{consumer_group}/{topic}/{partition}/{offset}")
