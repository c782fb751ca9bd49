"""Commands of facility events (R-FAC-2, R-FAC-4, R-FAC-5)."""

from __future__ import annotations

from uuid import UUID

from petcare_kit.validation import NOT_SENT, PatchBody
from pydantic import Field

from facility.service_layer.commands import Command, LocalDate, LocalTime, Note


class ScheduleEvent(Command):
    """R-FAC-2: daycare: `starts_on` with `start_time` and `end_time`; overnight: `starts_on` and
    `ends_on`, no times."""

    client_id: UUID
    pet_ids: list[UUID] = Field(min_length=1, max_length=20)
    service_id: UUID
    space_id: UUID
    starts_on: LocalDate
    ends_on: LocalDate | None = None
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    note: Note | None = None
    """For staff only (R-FAC-3): never in a client-facing answer or a published event."""


class UpdateEvent(PatchBody):
    """Move (dates and times, scheduled events), another space or pets (scheduled or checked in),
    the note (any time). A time change sends the whole time again (`starts_on` and, by kind,
    `ends_on` or `start_time`/`end_time`)."""

    starts_on: LocalDate = NOT_SENT
    ends_on: LocalDate | None = None
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    space_id: UUID = NOT_SENT
    pet_ids: list[UUID] = Field(NOT_SENT, min_length=1, max_length=20)
    note: Note | None = None


class AddAddOn(Command):
    """R-FAC-4: an add-on service of the event's main service, optionally on one of the event's
    dates (`on`) and at a time (`at`)."""

    service_id: UUID
    on: LocalDate | None = None
    at: LocalTime | None = None


class DuplicateEvent(Command):
    """R-FAC-5: copy the event to each of these future dates (each copy starts on one)."""

    dates: list[LocalDate] = Field(min_length=1, max_length=100)
