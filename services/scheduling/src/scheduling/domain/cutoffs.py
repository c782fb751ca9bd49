"""R-SCHED-7: cut-off times for client requests, in the company's local time. Pure: no I/O.

A company sets one cut-off for new service requests and another for change/cancellation requests.
Each kind of cut-off is a deadline for a visit (a request made at or after it is refused):

| kind             | a visit on day D (starting at S) may be requested until         |
| ---------------- | ---------------------------------------------------------------- |
| `none`           | always (no limit; the visit must still be in the future)         |
| `same_day_after` | D at `at` (local): before then, same-day requests are fine       |
| `next_day_after` | D-1 at `at` (local): tomorrow's visits until `at` today; so a    |
|                  | same-day request is always too late                              |
| `hours_ahead`    | S minus `hours` hours (S: the visit's start, or its block's start) |

A refusal (`RequestTooLate`, 422 `request_too_late`) carries the business's own message when it set
one, else a sentence saying until when the visit could have been requested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from petcare_kit.errors import InvalidInput

MAX_HOURS_AHEAD = 24 * 30
"""A business asking for more than a month's notice has made a typo."""


class CutoffKind(StrEnum):
    NONE = "none"
    SAME_DAY_AFTER = "same_day_after"
    NEXT_DAY_AFTER = "next_day_after"
    HOURS_AHEAD = "hours_ahead"


class RequestTooLate(InvalidInput):
    """R-SCHED-7: the cut-off for this visit has passed. `details` = {"visit_date", "deadline"}."""

    code = "request_too_late"


class InvalidCutoff(InvalidInput):
    code = "invalid_cutoff"


@dataclass(frozen=True)
class Cutoff:
    """One cut-off rule. `at` (local wall time) is set for the two `*_after` kinds, `hours` for
    `hours_ahead`; `message` is the business's own words for a refusal (None: ours)."""

    kind: CutoffKind = CutoffKind.NONE
    at: time | None = None
    hours: int | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        timed = self.kind in (CutoffKind.SAME_DAY_AFTER, CutoffKind.NEXT_DAY_AFTER)
        if timed != (self.at is not None):
            raise InvalidCutoff(f"A '{self.kind}' cut-off {'needs' if timed else 'takes no'} time of day (at).")
        if (self.kind is CutoffKind.HOURS_AHEAD) != (self.hours is not None):
            raise InvalidCutoff(f"A '{self.kind}' cut-off {'needs' if self.hours is None else 'takes no'} hours.")
        if self.hours is not None and not 1 <= self.hours <= MAX_HOURS_AHEAD:
            raise InvalidCutoff(f"Hours ahead must be between 1 and {MAX_HOURS_AHEAD}.")


@dataclass(frozen=True)
class CutoffSettings:
    """A company's two cut-offs (R-SCHED-7: set separately). The default is no limit for both."""

    new_requests: Cutoff = Cutoff()
    change_requests: Cutoff = Cutoff()


def deadline(cutoff: Cutoff, *, visit_date: date, visit_start: datetime, zone: ZoneInfo) -> datetime | None:
    """The last instant (UTC, exclusive) at which a visit on `visit_date` starting at `visit_start`
    (aware: the visit's time or its block's start) may be requested; None for no limit. R-SCHED-7."""
    if cutoff.kind is CutoffKind.NONE:
        return None
    if cutoff.kind is CutoffKind.HOURS_AHEAD:
        assert cutoff.hours is not None
        return visit_start.astimezone(UTC) - timedelta(hours=cutoff.hours)
    assert cutoff.at is not None
    day = visit_date if cutoff.kind is CutoffKind.SAME_DAY_AFTER else visit_date - timedelta(days=1)
    # A cut-off time inside a spring-forward gap reads as the wall time before the change (fold=0).
    return datetime.combine(day, cutoff.at, tzinfo=zone).astimezone(UTC)


def check_cutoff(cutoff: Cutoff, *, now: datetime, visit_date: date, visit_start: datetime, zone: ZoneInfo) -> None:
    """Raises RequestTooLate when `now` (aware) is at or after the visit's deadline (R-SCHED-7)."""
    limit = deadline(cutoff, visit_date=visit_date, visit_start=visit_start, zone=zone)
    if limit is None or now.astimezone(UTC) < limit:
        return
    local = limit.astimezone(zone)
    ours = (f"Requests for {visit_date:%A, %B} {visit_date.day} had to be made before "
            f"{local:%A, %B} {local.day}, {local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'}.")
    raise RequestTooLate((cutoff.message or "").strip() or ours,
                         details={"visit_date": visit_date.isoformat(), "deadline": local.isoformat(),
                                  "cutoff": cutoff.kind.value})
