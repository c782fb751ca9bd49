"""Events of the facility service (`facility.events`): boarding and daycare events (seed 004).

R-FAC-3: the event note is for staff only, so no facility event ever carries it (events reach
services that answer clients). Money in integer cents. Facility events are invoiced only by hand
from the Client Hub (R-INV-1, R-FAC-4): facility asks billing with a command on `billing.commands`
(see `petcare_contracts.events.billing`), never by publishing an event billing turns into a line.
"""

from __future__ import annotations

from datetime import date, time
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from petcare_contracts.registry import EventPayload, event

TOPIC = "facility.events"
ServiceKind = Literal["daycare", "overnight"]
EventStatus = Literal["scheduled", "checked_in", "checked_out", "cancelled"]


class AddOnSummary(BaseModel):
    """An add-on service on a facility event, optionally at its own date and time."""

    add_on_id: UUID
    service_id: UUID
    service_name: str
    price_cents: int
    taxable: bool
    on: date | None = None
    at: time | None = None


@event("facility.event.changed", version=1, topic=TOPIC, key="facility_event_id")
class FacilityEventChanged(EventPayload):
    """A facility event's whole state (never its staff note, R-FAC-3), published when it is
    scheduled and on every change (moved, pets, space, add-on added, checked in, checked out,
    cancelled). Whole state so a replayed or skipped event leaves a reader right; `revision` grows
    with each change. Daycare: `starts_on` = `ends_on` with start and end times (local); overnight:
    a date range without times, `nights` counted in local dates (R-FAC-2)."""

    facility_event_id: UUID
    client_id: UUID
    service_id: UUID
    service_name: str
    kind: ServiceKind
    starts_on: date
    ends_on: date
    start_time: time | None = None
    end_time: time | None = None
    nights: int | None = None
    space_id: UUID
    space_name: str
    pet_ids: list[UUID]
    pet_names: list[str] = []
    price_cents: int
    taxable: bool
    add_ons: list[AddOnSummary] = []
    status: EventStatus
    duplicated_from: UUID | None = None
    revision: int

