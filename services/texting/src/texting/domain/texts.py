"""A text as the messages log shows it (R-TEXT-10), and how its status moves (Twilio's callbacks
arrive late, twice or out of order: only news moves it forward)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from uuid import UUID

Direction = Literal["outbound", "inbound"]
PROGRESS = {"pending": 0, "sending": 0, "accepted": 1, "queued": 1, "sending_carrier": 2, "sent": 3,
            "delivered": 4, "undelivered": 4, "failed": 4, "read": 5}
"""How far along a text is; Twilio's statuses, plus our own `pending` and `sending`."""
FINALLY_DELIVERED = frozenset({"delivered", "read"})


def is_news(current: str, reported: str) -> bool:
    """Whether a status callback moves the text forward; a retried or late one does not. Unknown
    statuses are never news."""
    return PROGRESS.get(reported, -1) > PROGRESS.get(current, 0)


@dataclass(frozen=True)
class Text:
    """One SMS part or picture message, sent or received. `number` is the other party (E.164),
    `segments` the billing segments of its body."""

    id: UUID
    company_id: UUID
    direction: Direction
    number: str
    company_number: str
    body: str
    status: str
    media_urls: list[str] = field(default_factory=list)
    segments: int = 1
    delivery_id: UUID | None = None
    part: int = 0
    person_id: UUID | None = None
    person_kind: str | None = None
    twilio_sid: str | None = None
    purpose: str | None = None
    error_code: int | None = None
    error: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class LogFilter:
    """R-TEXT-10: the messages log's filters; dates are [since, until) on when the text was stored."""

    direction: Direction | None = None
    status: str | None = None
    person_id: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
