"""R-SCHED-4: a staff member's overlapping visits. Pure.

What overlaps, as a scheduler sees it:
- two timed visits overlap when their spans [start, start + duration) share any time (back to back,
  09:00-10:00 then 10:00, is no overlap);
- a block visit happens some time in its block's window, so it conflicts with a timed visit only
  when that visit leaves no room for it in the window (neither the time before nor the time after
  the timed visit, inside the window, is as long as the block visit);
- two block visits never conflict: a sitter does several visits in one "Morning" and orders them.
Cancelled visits occupy nobody; the visit itself is never its own conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from scheduling.domain.errors import StaffConflict
from scheduling.domain.visits import Visit, VisitStatus


def _overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def _leaves_room(block_visit: Visit, timed: Visit) -> bool:
    if not _overlap(block_visit.starts_at, block_visit.ends_at, timed.starts_at, timed.ends_at):
        return True
    needed = timedelta(minutes=block_visit.duration_minutes)
    before = timed.starts_at - block_visit.starts_at
    after = block_visit.ends_at - timed.ends_at
    return before >= needed or after >= needed


def overlaps(a: Visit, b: Visit) -> bool:
    """True when `a` and `b` cannot both be done by one person (the rules of the module docstring)."""
    if a.flexible and b.flexible:
        return False
    if a.flexible:
        return not _leaves_room(a, b)
    if b.flexible:
        return not _leaves_room(b, a)
    return _overlap(a.starts_at, a.ends_at, b.starts_at, b.ends_at)


def conflicts(visit: Visit, others: Iterable[Visit]) -> list[Visit]:
    """The visits among `others` that `visit`'s staff member cannot also do, oldest start first.
    Only visits of the same assigned staff member count; none when `visit` has no staff."""
    if visit.staff_id is None or visit.status == VisitStatus.CANCELLED:
        return []
    found = [other for other in others
             if other.id != visit.id and other.staff_id == visit.staff_id
             and other.status != VisitStatus.CANCELLED and overlaps(visit, other)]
    return sorted(found, key=lambda other: (other.starts_at, str(other.id)))


def check_no_conflicts(visit: Visit, others: Iterable[Visit], *, override: bool) -> list[Visit]:
    """R-SCHED-4: refuse (StaffConflict, 409) when `visit`'s staff member has overlapping visits,
    naming each in `details.conflicts` ({visit_id, client_id, starts_at, ends_at, status}), unless
    the scheduler explicitly overrides. Returns the conflicts accepted by the override."""
    found = conflicts(visit, others)
    if found and not override:
        raise StaffConflict(
            f"The staff member has {len(found)} overlapping visit(s): pick another time or person, "
            "or send override_conflicts: true to schedule anyway.",
            details={"staff_id": str(visit.staff_id), "conflicts": [describe(other) for other in found]})
    return found


def describe(visit: Visit) -> dict[str, str | None]:
    """How a conflicting visit is named in an error's details."""
    return {"visit_id": str(visit.id), "client_id": str(visit.client_id), "visit_date": visit.visit_date.isoformat(),
            "start_time": visit.start_time.isoformat() if visit.start_time else None,
            "schedule_block_id": str(visit.block_id) if visit.block_id else None,
            "starts_at": visit.starts_at.isoformat(), "ends_at": visit.ends_at.isoformat(),
            "status": visit.status.value}
