"""Facility events (R-FAC-2): a client's pets in a space with a main service, on a date with start
and end times (daycare) or a range of dates (overnight), with add-ons (R-FAC-4), a staff note and a
status. Pure: no SQLAlchemy, FastAPI or I/O.

The note (`note`) is for the business alone (R-FAC-3): no client-facing answer and no published
event carries it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from facility.domain import local_days
from facility.domain.catalogue import ServiceKind
from facility.domain.errors import DateInPast, EventStatusConflict, InvalidEventTime


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    CANCELLED = "cancelled"


S = EventStatus
TRANSITIONS: dict[str, frozenset[EventStatus]] = {
    "move": frozenset({S.SCHEDULED}),
    "change": frozenset({S.SCHEDULED, S.CHECKED_IN}),  # pets, space: a pet may change rooms while in
    "add_on": frozenset({S.SCHEDULED, S.CHECKED_IN}),
    "check_in": frozenset({S.SCHEDULED}),
    "check_out": frozenset({S.CHECKED_IN}),
    "cancel": frozenset({S.SCHEDULED}),
}
"""Which statuses allow each action: scheduled -> checked in -> checked out; scheduled -> cancelled.
The note may change in any status; any event may be duplicated (the copies are scheduled)."""
OCCUPYING = frozenset({S.SCHEDULED, S.CHECKED_IN})
"""The statuses in which an event takes room in its space."""


@dataclass(frozen=True)
class EventTime:
    """When (R-FAC-2), in the company's local calendar. Daycare: `starts_on` = `ends_on` with
    `start_time` < `end_time`; overnight: `starts_on` < `ends_on` and no times."""

    kind: ServiceKind
    starts_on: date
    ends_on: date
    start_time: time | None = None
    end_time: time | None = None

    @classmethod
    def of(cls, kind: ServiceKind, starts_on: date, ends_on: date | None, start_time: time | None,
           end_time: time | None) -> EventTime:
        """The time of an event of a `kind` service as asked. Daycare: `ends_on` left out or equal
        to `starts_on`, both times, the end after the start. Overnight: `ends_on` after `starts_on`,
        no times. Raises InvalidEventTime (422) saying which."""
        asked = {"starts_on": str(starts_on), "ends_on": str(ends_on) if ends_on else None,
                 "start_time": str(start_time) if start_time else None,
                 "end_time": str(end_time) if end_time else None, "kind": kind.value}
        if kind == ServiceKind.DAYCARE:
            if ends_on not in (None, starts_on):
                raise InvalidEventTime("Daycare is one date: leave ends_on out or make it starts_on.", details=asked)
            if start_time is None or end_time is None:
                raise InvalidEventTime("Daycare needs a start and an end time.", details=asked)
            if end_time <= start_time:
                raise InvalidEventTime("The end time must be after the start time.", details=asked)
            return cls(kind, starts_on, starts_on, start_time, end_time)
        if kind == ServiceKind.OVERNIGHT:
            if start_time is not None or end_time is not None:
                raise InvalidEventTime("An overnight stay has dates only, no times.", details=asked)
            if ends_on is None or ends_on <= starts_on:
                raise InvalidEventTime("An overnight stay ends on a date after the one it starts on.",
                                       details=asked)
            return cls(kind, starts_on, ends_on)
        raise InvalidEventTime("An event's service is daycare or overnight.", details=asked)

    @property
    def nights(self) -> int | None:
        """Overnight: the nights counted in local dates (local_days.nights); daycare: None."""
        return local_days.nights(self.starts_on, self.ends_on) if self.kind == ServiceKind.OVERNIGHT else None

    @property
    def occupied_dates(self) -> list[date]:
        """The dates the event takes room in its space: the daycare's date; each night of a stay
        (the departure date is not one)."""
        if self.kind == ServiceKind.DAYCARE:
            return [self.starts_on]
        return [self.starts_on + timedelta(days=n) for n in range(self.nights or 0)]

    def moved_to(self, starts_on: date) -> EventTime:
        """The same event starting on `starts_on` (same times, same number of nights)."""
        return replace(self, starts_on=starts_on, ends_on=starts_on + (self.ends_on - self.starts_on))

    def check_future(self, now: datetime, tz: ZoneInfo) -> None:
        """R-FAC-5: the event starts after the company's local now (a daycare today whose start time
        has passed is in the past). Raises DateInPast (422)."""
        today, clock = local_days.local_now(now, tz)
        started = self.start_time is None or self.start_time <= clock  # an overnight stay starts with its day
        if self.starts_on < today or (self.starts_on == today and started):
            raise DateInPast(f"{self.starts_on} is not in the future.",
                             details={"date": str(self.starts_on), "today": str(today)})

    def contains(self, on: date) -> bool:
        return self.starts_on <= on <= self.ends_on


@dataclass(frozen=True)
class AddOn:
    """R-FAC-4: an add-on service on an event, optionally on its own date (within the event's
    dates) and time. Its price (integer cents) and taxable flag are the service's when it was added."""

    id: UUID
    service_id: UUID
    price_cents: int
    taxable: bool
    on: date | None = None
    at: time | None = None


@dataclass(frozen=True)
class FacilityEvent:
    """R-FAC-2: `client_id`'s pets `pet_ids` in space `space_id` with main service `service_id`
    at `when`, with add-ons, a staff note (R-FAC-3) and a status. `unit_price_cents` and `taxable`
    are the service's when booked: a daycare's price, an overnight stay's price per night
    (`price_cents` multiplies it by the nights). `revision` grows with every change (published in
    facility.event.changed). `duplicated_from`: the event it was copied from (R-FAC-5)."""

    id: UUID
    company_id: UUID
    client_id: UUID
    service_id: UUID
    space_id: UUID
    pet_ids: tuple[UUID, ...]
    when: EventTime
    unit_price_cents: int
    taxable: bool
    note: str | None = None
    status: EventStatus = EventStatus.SCHEDULED
    add_ons: tuple[AddOn, ...] = ()
    duplicated_from: UUID | None = None
    revision: int = 1
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None

    @property
    def price_cents(self) -> int:
        """Integer cents: the daycare's price, or the price per night times the nights."""
        return self.unit_price_cents * (self.when.nights or 1)

    def check_can(self, action: str) -> None:
        """Raises EventStatusConflict (409) when the status does not allow `action` (a key of
        TRANSITIONS)."""
        if self.status not in TRANSITIONS[action]:
            raise EventStatusConflict(
                f"A {self.status.value.replace('_', ' ')} event cannot be {_PAST[action]}.",
                details={"facility_event_id": str(self.id), "status": self.status.value, "action": action})

    def changed(self, **changes: Any) -> FacilityEvent:
        """A copy with the changes (time: `when`; `space_id`, `pet_ids`; `note`) and the next
        revision. Raises EventStatusConflict for a time change of an event not scheduled, a space or
        pets change of one checked out or cancelled (the note changes in any status)."""
        if "when" in changes:
            self.check_can("move")
        if {"space_id", "pet_ids"} & set(changes):
            self.check_can("change")
        return replace(self, revision=self.revision + 1, **changes)

    def with_add_on(self, add_on: AddOn) -> FacilityEvent:
        """R-FAC-4. Raises EventStatusConflict, InvalidEventTime (its date outside the event's)."""
        self.check_can("add_on")
        if add_on.on is not None and not self.when.contains(add_on.on):
            raise InvalidEventTime("An add-on's date is one of the event's dates.",
                                   details={"on": str(add_on.on), "starts_on": str(self.when.starts_on),
                                            "ends_on": str(self.when.ends_on)})
        return replace(self, add_ons=(*self.add_ons, add_on), revision=self.revision + 1)

    def checked_in(self, at: datetime) -> FacilityEvent:
        self.check_can("check_in")
        return replace(self, status=EventStatus.CHECKED_IN, checked_in_at=at, revision=self.revision + 1)

    def checked_out(self, at: datetime) -> FacilityEvent:
        self.check_can("check_out")
        return replace(self, status=EventStatus.CHECKED_OUT, checked_out_at=at, revision=self.revision + 1)

    def cancelled(self) -> FacilityEvent:
        self.check_can("cancel")
        return replace(self, status=EventStatus.CANCELLED, revision=self.revision + 1)

    def copied_to(self, new_id: UUID, starts_on: date, add_on_ids: list[UUID]) -> FacilityEvent:
        """R-FAC-5: a new scheduled event like this one (pets, space, service, note, add-ons) from
        `starts_on`; add-ons on their own date keep their distance from the start."""
        shift = starts_on - self.when.starts_on
        add_ons = tuple(replace(a, id=new, on=a.on + shift if a.on else None)
                        for a, new in zip(self.add_ons, add_on_ids, strict=True))
        return FacilityEvent(new_id, self.company_id, self.client_id, self.service_id, self.space_id, self.pet_ids,
                             self.when.moved_to(starts_on), self.unit_price_cents, self.taxable, self.note,
                             EventStatus.SCHEDULED, add_ons, duplicated_from=self.id)


_PAST = {"move": "moved", "change": "changed", "add_on": "given an add-on", "check_in": "checked in",
         "check_out": "checked out", "cancel": "cancelled"}
