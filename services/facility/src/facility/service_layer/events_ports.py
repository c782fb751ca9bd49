"""What the event use cases need: the events and the pets read model. Repositories return domain
objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from datetime import date
from typing import Protocol
from uuid import UUID

from facility.domain.events import EventStatus, FacilityEvent
from facility.domain.pets import Pet


class Events(Protocol):
    async def add(self, event: FacilityEvent) -> None: ...

    async def save(self, event: FacilityEvent) -> None:
        """Store the event's new state (add-ons included)."""

    async def get(self, company_id: UUID, event_id: UUID) -> FacilityEvent:
        """Raises EventNotFound (also for another company's event)."""

    async def occupying(self, company_id: UUID, space_id: UUID, first: date, last: date) -> list[FacilityEvent]:
        """The space's scheduled and checked-in events whose dates meet [first, last]."""

    async def page(self, company_id: UUID, *, limit: int, offset: int, client_id: UUID | None = None,
                   space_id: UUID | None = None, starts_from: date | None = None, starts_before: date | None = None,
                   status: EventStatus | None = None) -> list[FacilityEvent]:
        """By start date, start time, then id (a stable order)."""


class Pets(Protocol):
    async def save(self, pet: Pet) -> None:
        """Insert or replace (replaying a pet event changes nothing)."""

    async def of_client(self, company_id: UUID, client_id: UUID) -> list[Pet]: ...

    async def many(self, company_id: UUID, pet_ids: list[UUID]) -> list[Pet]: ...
