"""What callers ask scheduling to do, one command per use case (imperative names). They are also
the API's request bodies: unknown fields are refused and sizes bounded, so bad input is a 422
before anything changes. Updates subclass `petcare_kit.validation.PatchBody`."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated
from uuid import UUID

from petcare_kit.validation import NOT_SENT, AsciiInteger, PatchBody
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Note = Annotated[str, StringConstraints(max_length=5000)]
Minutes = Annotated[int, Field(ge=1, le=24 * 60, description="minutes, 1..1440")]
Cents = Annotated[int, AsciiInteger, Field(ge=0, le=100_000_000, description="integer cents (exact money)")]
Weekday = Annotated[int, Field(ge=1, le=7, description="ISO weekday: 1 = Monday ... 7 = Sunday")]

EARLIEST, LATEST = date(2000, 1, 1), date(2199, 12, 31)


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("a local wall-clock time has no offset: send 09:30, not 09:30+02:00")
    return value


def _bookable_date(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"a date between {EARLIEST} and {LATEST}")
    return value


def _bounded_instant(value: datetime) -> datetime:
    if not EARLIEST.year - 1 <= value.year <= LATEST.year + 1:
        raise ValueError(f"an instant between the years {EARLIEST.year - 1} and {LATEST.year + 1}")
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_bounded_instant)]
"""An instant with its offset ("2026-06-01T09:00:00-04:00"), within the bookable years (a query bound)."""
LocalTime = Annotated[time, AfterValidator(_local_time)]
"""A wall-clock time of the company's zone ("09:30")."""
VisitDate = Annotated[date, AfterValidator(_bookable_date)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- the catalogue (R-SCHED-1, R-SCHED-2) ----------------------------------------------------

class AddService(Command):
    name: Name
    duration_minutes: Minutes
    price_cents: Cents
    client_selectable: bool = False
    schedule_block_ids: list[UUID] = Field(default=[], max_length=50)
    """The blocks it may be booked in; empty: any of the company's blocks."""
    late_reminder_minutes: Minutes | None = None
    """None: no late alert for visits of this service (R-SCHED-9)."""
    taxable: bool = False


class UpdateService(PatchBody):
    """Rename, reprice, disable (`active: false`) or enable; a service is never deleted."""

    name: Name = NOT_SENT
    duration_minutes: Minutes = NOT_SENT
    price_cents: Cents = NOT_SENT
    client_selectable: bool = NOT_SENT
    schedule_block_ids: list[UUID] = Field(NOT_SENT, max_length=50)
    late_reminder_minutes: Minutes | None = None
    taxable: bool = NOT_SENT
    active: bool = NOT_SENT


class AddScheduleBlock(Command):
    title: Name
    starts: LocalTime
    ends: LocalTime
    weekdays: list[Weekday] = Field(min_length=1, max_length=7)


class UpdateScheduleBlock(PatchBody):
    title: Name = NOT_SENT
    starts: LocalTime = NOT_SENT
    ends: LocalTime = NOT_SENT
    weekdays: list[Weekday] = Field(NOT_SENT, min_length=1, max_length=7)
    active: bool = NOT_SENT


# ---- visits (R-SCHED-3, R-SCHED-4) -----------------------------------------------------------

class ScheduleVisit(Command):
    """A visit on `visit_date` at `start_time` or in `schedule_block_id` (exactly one)."""

    client_id: UUID
    pet_ids: list[UUID] = Field(min_length=1, max_length=20)
    service_id: UUID
    visit_date: VisitDate
    start_time: LocalTime | None = None
    schedule_block_id: UUID | None = None
    duration_minutes: Minutes | None = None
    """Default: the service's duration."""
    staff_id: UUID | None = None
    staff_note: Note | None = None
    override_conflicts: bool = False
    """R-SCHED-4: schedule even when the staff member has overlapping visits."""
    invoice_id: UUID | None = None
    """R-INV-1: the client's open invoice the visit goes on (as picked by the scheduler). Without it
    (and without `do_not_invoice`) the visit goes on a new invoice."""
    do_not_invoice: bool = False
    """R-INV-1: put the visit on no invoice at all (never with `invoice_id`)."""

    @model_validator(mode="after")
    def _one_invoice_choice(self) -> ScheduleVisit:
        if self.do_not_invoice and self.invoice_id is not None:
            raise ValueError("send either invoice_id or do_not_invoice: true, not both")
        return self


class MoveVisit(Command):
    visit_date: VisitDate
    start_time: LocalTime | None = None
    schedule_block_id: UUID | None = None
    duration_minutes: Minutes | None = None
    """Default: the visit's current duration."""
    override_conflicts: bool = False


class ReassignVisit(Command):
    staff_id: UUID | None
    """None: unassigned."""
    override_conflicts: bool = False


class UpdateVisit(PatchBody):
    """Other pets, service or duration (scheduled visits only) or the staff note (any time)."""

    pet_ids: list[UUID] = Field(NOT_SENT, min_length=1, max_length=20)
    service_id: UUID = NOT_SENT
    duration_minutes: Minutes = NOT_SENT
    staff_note: Note | None = None
    override_conflicts: bool = False


class BulkCancelVisits(Command):
    """Cancel these visits together: all or none."""

    visit_ids: list[UUID] = Field(min_length=1, max_length=500)
