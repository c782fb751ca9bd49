"""Templates, a client's repeat schedules (R-SCHED-5). Pure: no SQLAlchemy, FastAPI, FastStream or I/O.

A template says: these pets of this client get this service, at this local time or in this schedule
block, by this staff member (or nobody yet), on the dates of an RFC 5545 rule (domain/recurrence.py),
billed per period (domain/billing_periods.py). Its visits are not on the calendar until their
period is approved, by hand or automatically `auto_approve_days` before the period starts; a period
is approved at most once. Upcoming periods are projected 12 months ahead. A template runs until it
is ended: it then covers no date after `ends_on`.

Visits are never created for dates before the day of approval (a period approved once it has
begun gets its remaining visits only): a repeat schedule does not write history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from petcare_kit.errors import Conflict, InvalidInput, NotFound

from scheduling.domain import local_time
from scheduling.domain.billing_periods import (
    BillingFrequency,
    Period,
    check_auto_approve_days,
    clip,
    period_holding,
    periods,
    projection_end,
)
from scheduling.domain.recurrence import Recurrence


class TemplateNotFound(NotFound):
    code = "template_not_found"


class TemplateEnded(Conflict):
    code = "template_ended"


class PeriodNotApprovable(Conflict):
    """The date is not the start of one of the template's periods that still has dates to cover."""

    code = "period_not_approvable"


class PeriodAlreadyApproved(Conflict):
    code = "period_already_approved"


class InvalidTemplate(InvalidInput):
    code = "invalid_template"


@dataclass(frozen=True)
class Template:
    """R-SCHED-5. `recurrence` holds the first date, the local time (None for a block) and the
    company's zone; exactly one of `recurrence.local_time` and `block_id` is set. `ends_on`: the
    last date covered once ended (None while it runs)."""

    id: UUID
    company_id: UUID
    client_id: UUID
    pet_ids: tuple[UUID, ...]
    service_id: UUID
    block_id: UUID | None
    duration_minutes: int
    staff_id: UUID | None
    recurrence: Recurrence
    billing: BillingFrequency
    auto_approve_days: int | None
    ends_on: date | None = None
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        if (self.block_id is None) == (self.recurrence.local_time is None):
            raise InvalidTemplate("Give a template either a start time or a schedule block (one of the two).")
        if not 1 <= self.duration_minutes <= 24 * 60:
            raise InvalidTemplate("A visit lasts 1 minute to 24 hours.",
                                  details={"duration_minutes": self.duration_minutes})
        check_auto_approve_days(self.auto_approve_days)

    @property
    def starts_on(self) -> date:
        return self.recurrence.starts_on

    @property
    def time_zone(self) -> str:
        return self.recurrence.time_zone

    def today(self, now: datetime) -> date:
        """The company's local date at the instant `now`."""
        return now.astimezone(local_time.zone(self.time_zone)).date()

    def ended(self, last_date: date) -> Template:
        """R-SCHED-5 "a template runs until it is ended": covers no date after `last_date` (a
        date before the first one ends it before any visit). Raises TemplateEnded (409) when ended."""
        if self.ends_on is not None:
            raise TemplateEnded("This template has already been ended.",
                                details={"template_id": str(self.id), "ends_on": self.ends_on.isoformat()})
        return replace(self, ends_on=max(last_date, self.starts_on - timedelta(days=1)))

    def periods_between(self, first: date, last: date) -> list[Period]:
        """The template's billing periods overlapping `first..last` that still cover a date from
        `first` on (a period of an ended template, or one already over, has nothing left to approve)."""
        return [p for p in periods(self.billing, self.starts_on, first=first, last=last)
                if clip(p, max(self.starts_on, first), self.ends_on) is not None]

    def occurrences(self, period: Period, *, not_before: date) -> list[datetime]:
        """The local start of each visit `period` holds (aware, in the company's zone; local
        midnight of the date for a block template), from `not_before` on."""
        covered = clip(period, max(self.starts_on, not_before), self.ends_on)
        return [] if covered is None else self.recurrence.occurrences(*covered)

    def projection(self, today: date, approved: set[date]) -> list[ProjectedPeriod]:
        """R-SCHED-5: the periods from the one holding `today` to 12 months ahead, each with its
        visits' dates, the day it is approved automatically (None: by hand) and whether it was.
        `approved`: the start dates of the periods approved already."""
        out = []
        for period in self.periods_between(today, projection_end(today)):
            approve_on = None if self.auto_approve_days is None else period.approve_on(self.auto_approve_days)
            out.append(ProjectedPeriod(period, approve_on, period.start in approved,
                                       self.occurrences(period, not_before=today)))
        return out

    def approvable(self, period_start: date, today: date, approved: set[date]) -> Period:
        """The period starting on `period_start`, if it can be approved by hand now: one of the
        template's, not over, not approved yet. Raises PeriodNotApprovable or PeriodAlreadyApproved (409)."""
        period = period_holding(self.billing, self.starts_on, period_start)
        if (period is None or period.start != period_start
                or clip(period, max(self.starts_on, today), self.ends_on) is None):
            raise PeriodNotApprovable("That date does not start one of this template's current or upcoming "
                                      "periods.", details={"period_start": period_start.isoformat()})
        if period.start in approved:
            raise PeriodAlreadyApproved("That period has already been approved.",
                                        details={"period_start": period_start.isoformat()})
        return period

    def due_for_approval(self, today: date, approved: set[date]) -> list[Period]:
        """R-SCHED-5: the periods to approve automatically on `today`: their approval day has come,
        they are not over and not approved yet. None for a template approved by hand."""
        if self.auto_approve_days is None:
            return []
        last = today + timedelta(days=self.auto_approve_days)
        return [p for p in self.periods_between(today, last)
                if p.approve_on(self.auto_approve_days) <= today and p.start not in approved]

    def next_auto_approval(self, today: date, approved: set[date]) -> datetime | None:
        """The instant (UTC, local midnight) when the next period not approved yet is due for
        automatic approval, for the periodic job; None when approved by hand or nothing is left."""
        if self.auto_approve_days is None:
            return None
        begin = max(today, self.starts_on)
        horizon = projection_end(begin) + timedelta(days=self.auto_approve_days + 31)  # a period is <= 52 weeks
        for period in self.periods_between(today, horizon):
            if period.start not in approved:
                on = max(period.approve_on(self.auto_approve_days), today)
                return local_time.instant(on, time(0), local_time.zone(self.time_zone)).astimezone(UTC)
        return None


@dataclass(frozen=True)
class ProjectedPeriod:
    period: Period
    approve_on: date | None
    approved: bool
    occurrences: list[datetime]
