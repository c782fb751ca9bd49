"""Visits (R-SCHED-3): who is visited, which of their pets, with which service, when, by whom, and
how far it got. Pure: no SQLAlchemy, FastAPI, FastStream or I/O.

When: a local date with either an exact start time (staff may book one) or a schedule block (what
clients pick, R-SCHED-2). Both are stored as UTC instants computed in the company's zone
(domain/local_time.py has the daylight-saving choice): a timed visit occupies
[starts_at, starts_at + duration); a block visit happens some time inside its block's window
[starts_at, ends_at) = [block start, block end) and lasts `duration_minutes` there.

The staff-only note (`staff_note`) is for the business alone: no client-facing answer carries it
(the API's client views have no such field).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from scheduling.domain import local_time
from scheduling.domain.catalogue import ScheduleBlock
from scheduling.domain.errors import InvalidVisitTime, PetsNotAllowed, VisitStatusConflict


class VisitStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


S = VisitStatus
TRANSITIONS: dict[str, frozenset[VisitStatus]] = {
    "move": frozenset({S.SCHEDULED}),
    "reassign": frozenset({S.SCHEDULED}),
    "change": frozenset({S.SCHEDULED}),  # pets, service, duration
    "cancel": frozenset({S.SCHEDULED}),
    "start": frozenset({S.SCHEDULED}),
    "complete": frozenset({S.SCHEDULED, S.IN_PROGRESS}),  # a sitter who forgot to press start
    # Completed visits are history (billing, R-SCHED-11 keeps them); one in progress is being done.
    "delete": frozenset({S.SCHEDULED, S.CANCELLED}),
}
"""Which statuses allow each action: scheduled -> in progress -> completed; scheduled -> cancelled."""


@dataclass(frozen=True)
class Placement:
    """Where a visit sits in time. `start_time`: the local start actually used (a start in the
    spring-forward gap moves forward, local_time.py), None for a block visit. `shifted`: it moved."""

    visit_date: date
    start_time: time | None
    block_id: UUID | None
    starts_at: datetime
    ends_at: datetime
    shifted: bool = False


def place(visit_date: date, start_time: time | None, block: ScheduleBlock | None, duration_minutes: int,
          tz: ZoneInfo) -> Placement:
    """R-SCHED-2/R-SCHED-3: a visit on `visit_date` at `start_time` (exact) or in `block` (exactly one
    of them), in the company's zone `tz`. Raises InvalidVisitTime (422) when neither or both."""
    if (start_time is None) == (block is None):
        raise InvalidVisitTime("Give a visit either a start time or a schedule block (one of the two).",
                               details={"start_time": str(start_time) if start_time else None,
                                        "schedule_block_id": str(block.id) if block else None})
    if block is not None:
        starts = local_time.instant(visit_date, block.starts, tz)
        return Placement(visit_date, None, block.id, starts, local_time.instant(visit_date, block.ends, tz))
    assert start_time is not None
    resolved = local_time.resolve(visit_date, start_time, tz)
    return Placement(visit_date, resolved.local.time().replace(tzinfo=None), None, resolved.instant,
                     local_time.after(resolved.instant, duration_minutes), resolved.shifted)


def check_pets(requested: tuple[UUID, ...], clients_active_pets: set[UUID]) -> None:
    """R-SCHED-3: some of the client's pets: at least one, each the client's own and active.
    `clients_active_pets`: the ids of the client's active pets. Raises PetsNotAllowed (422) naming
    the pets that are not."""
    if not requested:
        raise PetsNotAllowed("Pick at least one of the client's pets.", details={"pet_ids": []})
    foreign = [str(pet) for pet in requested if pet not in clients_active_pets]
    if foreign:
        raise PetsNotAllowed("Only the client's own active pets can be on their visit.",
                             details={"pet_ids": foreign})


@dataclass(frozen=True)
class Visit:
    """R-SCHED-3: a visit of `client_id`'s pets `pet_ids` with service `service_id`, on `visit_date`
    at `start_time` or in block `block_id`, `duration_minutes` long, by `staff_id` (optional), with a
    status and a staff-only note. `starts_at`/`ends_at`: UTC instants (see the module docstring).
    `template_id`: the template that made it, if any (R-SCHED-5)."""

    id: UUID
    company_id: UUID
    client_id: UUID
    pet_ids: tuple[UUID, ...]
    service_id: UUID
    visit_date: date
    start_time: time | None
    block_id: UUID | None
    duration_minutes: int
    starts_at: datetime
    ends_at: datetime
    staff_id: UUID | None = None
    status: VisitStatus = VisitStatus.SCHEDULED
    staff_note: str | None = None
    template_id: UUID | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def flexible(self) -> bool:
        """A block visit: it happens some time inside [starts_at, ends_at)."""
        return self.block_id is not None

    def check_can(self, action: str) -> None:
        """Raises VisitStatusConflict (409) when the visit's status does not allow `action`
        (a key of TRANSITIONS)."""
        if self.status not in TRANSITIONS[action]:
            raise VisitStatusConflict(f"A {self.status.value.replace('_', ' ')} visit cannot be {_past(action)}.",
                                      details={"visit_id": str(self.id), "status": self.status.value,
                                               "action": action})

    def moved(self, placement: Placement, duration_minutes: int) -> Visit:
        self.check_can("move")
        return self._with(visit_date=placement.visit_date, start_time=placement.start_time,
                          block_id=placement.block_id, starts_at=placement.starts_at, ends_at=placement.ends_at,
                          duration_minutes=duration_minutes)

    def reassigned(self, staff_id: UUID | None) -> Visit:
        self.check_can("reassign")
        return self._with(staff_id=staff_id)

    def cancelled(self) -> Visit:
        self.check_can("cancel")
        return self._with(status=VisitStatus.CANCELLED)

    def started(self, at: datetime) -> Visit:
        self.check_can("start")
        return self._with(status=VisitStatus.IN_PROGRESS, started_at=at)

    def completed(self, at: datetime) -> Visit:
        self.check_can("complete")
        return self._with(status=VisitStatus.COMPLETED, completed_at=at, started_at=self.started_at or at)

    def _with(self, **changes: Any) -> Visit:
        return replace(self, **changes)

    def changed(self, **changes: Any) -> Visit:
        """A copy with other pets, service or duration (only while scheduled) or another note (any
        time). Raises VisitStatusConflict."""
        if set(changes) - {"staff_note"}:
            self.check_can("change")
        return self._with(**changes)


def _past(action: str) -> str:
    return {"move": "moved", "reassign": "reassigned", "change": "changed", "cancel": "cancelled",
            "start": "started", "complete": "completed", "delete": "deleted"}[action]
