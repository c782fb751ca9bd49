"""The one dead-letter format, for every place that gives up on a consumed message.

A dead letter is the original record, byte for byte (key, value, headers), published to
`<group>.dlq` with headers saying where it came from and why it was given up:
`dlq-reason`, `dlq-consumer-group`, `dlq-original-topic`, `dlq-original-partition`,
`dlq-original-offset`, `dlq-failed-at` (ISO 8601, UTC). The consumer (`petcare_kit.consumer`) writes
one for a record it cannot decode or handle; the waiting room (`petcare_kit.waiting`) for an event
whose entity never appeared. A replay tool reads one format.

The dead letter is an outbox row of the caller's transaction, with a deterministic id per
(group, topic, partition, offset): the same record dead-lettered again after a redelivery is one row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from petcare_contracts import dead_letter_topic
from sqlalchemy.ext.asyncio import AsyncSession

from petcare_kit import outbox
from petcare_kit.headers import KafkaHeaders

log = logging.getLogger(__name__)

REASON_LIMIT = 2000
"""Characters of the reason kept in the `dlq-reason` header."""


@dataclass(frozen=True)
class OriginalRecord:
    """Where a consumed message came from and its exact bytes. `partition`/`offset` are None only for
    events parked before the waiting room kept them (notifications' migration 0003)."""

    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None
    value: bytes | None
    headers: KafkaHeaders = field(default_factory=list)

    @classmethod
    def of(cls, record: Any) -> OriginalRecord:
        """From an aiokafka ConsumerRecord (or anything with its topic, partition, offset, key,
        value and headers)."""
        return cls(record.topic, record.partition, record.offset, record.key, record.value,
                   [(name, bytes(value)) for name, value in record.headers or ()])


def dead_letter_headers(group: str, original: OriginalRecord, reason: str,
                        failed_at: datetime | None = None) -> KafkaHeaders:
    """The `dlq-*` headers appended to the original's own headers."""
    headers = [
        ("dlq-reason", reason[:REASON_LIMIT].encode()),
        ("dlq-consumer-group", group.encode()),
        ("dlq-original-topic", original.topic.encode()),
    ]
    if original.partition is not None and original.offset is not None:
        headers += [("dlq-original-partition", str(original.partition).encode()),
                    ("dlq-original-offset", str(original.offset).encode())]
    headers.append(("dlq-failed-at", (failed_at or datetime.now(UTC)).isoformat().encode()))
    return headers


def dead_letter_row_id(group: str, original: OriginalRecord, message_id: UUID | None = None) -> UUID:
    """`outbox.dead_letter_row_id` of the record's position; a record with no known position (a
    legacy parked event) is identified by its message id instead."""
    if original.partition is not None and original.offset is not None:
        return outbox.dead_letter_row_id(group, original.topic, original.partition, original.offset)
    return uuid5(outbox.DEAD_LETTER_NAMESPACE, f"{group}/{original.topic}/message/{message_id}")


def dead_letter_row(group: str, original: OriginalRecord, reason: str, *, message_id: UUID | None = None,
                    failed_at: datetime | None = None) -> dict:
    """The outbox row that publishes `original` to `<group>.dlq` with the `dlq-*` headers."""
    return outbox.raw_row(
        row_id=dead_letter_row_id(group, original, message_id),
        topic=dead_letter_topic(group),
        key=original.key,
        value=original.value,
        headers=[*original.headers, *dead_letter_headers(group, original, reason, failed_at)],
    )


async def dead_letter(session: AsyncSession, group: str, original: OriginalRecord, reason: str, *,
                      message_id: UUID | None = None) -> None:
    """Queue the dead letter in the session's transaction (it goes out if and only if it commits)."""
    log.warning("dead-lettering a message from %s[%s]@%s for %s: %s", original.topic, original.partition,
                original.offset, group, reason)
    await outbox.add_rows(session, [dead_letter_row(group, original, reason, message_id=message_id)])
