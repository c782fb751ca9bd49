"""Unassigned Messages (R-TEXT-8, R-TEXT-9): inbound texts nobody could be named for, until an admin
gives each to a client or staff member."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from petcare_kit.errors import Conflict

from texting.domain.people import PersonKind


@dataclass(frozen=True)
class UnassignedMessage:
    """An inbound text (`text_id`) from `from_number` (E.164) waiting to be assigned."""

    id: UUID
    company_id: UUID
    text_id: UUID
    from_number: str
    body: str
    received_at: datetime
    media_urls: list[str] = field(default_factory=list)
    assigned_to: UUID | None = None
    assigned_kind: PersonKind | None = None
    assigned_at: datetime | None = None

    def assigned(self, person_id: UUID, kind: PersonKind, at: datetime) -> UnassignedMessage:
        """R-TEXT-9: once only. Raises Conflict(already_assigned) the second time."""
        if self.assigned_to is not None:
            raise Conflict("This message was already assigned.", code="already_assigned")
        return replace(self, assigned_to=person_id, assigned_kind=kind, assigned_at=at)
