"""R-SCHED-9: when a visit is late. Pure: no I/O.

A visit is late when it has not been started `late_after_minutes` (its service's late-reminder
delay; None: the service never alerts) after its start: its own start time, or its block's start.
Only a scheduled visit with a staff member assigned can be late (someone must be late to it); one
started, completed or cancelled never is. It is reported once (the reporting is the service layer's:
one row per visit, R-SCHED-9), and not at all when it has been late for longer than
`REPORT_HORIZON`: after a long outage, or for a service whose delay was just switched on, texting
everybody about visits from last week helps no one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

REPORT_HORIZON = timedelta(hours=12)
"""A visit late for longer than this and still unreported is left alone (see the module docstring)."""


@dataclass(frozen=True)
class LateCandidate:
    """What lateness needs of a visit: `starts_at` is aware (the visit's start or its block's)."""

    visit_id: UUID
    status: str
    """scheduled, in_progress, completed or cancelled."""
    starts_at: datetime
    late_after_minutes: int | None
    staff_id: UUID | None


def late_at(starts_at: datetime, late_after_minutes: int | None) -> datetime | None:
    """The instant (UTC) from which a visit not yet started is late; None when its service never alerts."""
    if late_after_minutes is None:
        return None
    return starts_at.astimezone(UTC) + timedelta(minutes=late_after_minutes)


def is_late(visit: LateCandidate, now: datetime, *, horizon: timedelta = REPORT_HORIZON) -> bool:
    """R-SCHED-9: scheduled, assigned, not started by its late moment, and late for at most `horizon`."""
    moment = late_at(visit.starts_at, visit.late_after_minutes)
    if moment is None or visit.status != "scheduled" or visit.staff_id is None:
        return False
    return moment <= now.astimezone(UTC) <= moment + horizon


def minutes_late(starts_at: datetime, now: datetime) -> int:
    """Whole minutes since the visit should have started (what the late texts say), never negative."""
    return max(0, int((now.astimezone(UTC) - starts_at.astimezone(UTC)).total_seconds() // 60))
