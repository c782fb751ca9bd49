"""A template's billing frequency and its periods (R-SCHED-5). Pure: no I/O.

The visits of a template are created one billing period at a time, when that period is approved,
by hand or automatically `auto_approve_days` days before it starts. Periods:

- weekly / every N weeks: N*7 days, the first starting on the template's first date;
- semi-monthly: the 1st-15th and the 16th-end of each month;
- monthly: calendar months.

The first period is the one holding the template's first date (its visits start at that date). Period
boundaries come from dateutil's rrule as well (no calendar arithmetic of our own).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, WEEKLY, rrule
from petcare_kit.errors import InvalidInput

BillingKind = Literal["weekly", "every_n_weeks", "semi_monthly", "monthly"]
PROJECTION_MONTHS = 12
"""R-SCHED-5: upcoming periods are projected this many months ahead."""
MAX_WEEKS = 52
MAX_AUTO_APPROVE_DAYS = 60


class InvalidBillingFrequency(InvalidInput):
    code = "invalid_billing_frequency"


@dataclass(frozen=True)
class BillingFrequency:
    """`kind`, and `every_weeks` (2..52) for "every_n_weeks" (1 for the others)."""

    kind: BillingKind
    every_weeks: int = 1

    def __post_init__(self) -> None:
        if self.kind == "every_n_weeks":
            if not 2 <= self.every_weeks <= MAX_WEEKS:
                raise InvalidBillingFrequency(f"Every N weeks takes N between 2 and {MAX_WEEKS}.",
                                              details={"every_weeks": self.every_weeks})
        elif self.every_weeks != 1:
            raise InvalidBillingFrequency(f"Only every_n_weeks takes a number of weeks, not {self.kind}.",
                                          details={"every_weeks": self.every_weeks})

    @property
    def weeks(self) -> int:
        return 1 if self.kind == "weekly" else self.every_weeks


@dataclass(frozen=True, order=True)
class Period:
    """One billing period: local dates `start..end`, both inclusive."""

    start: date
    end: date

    def approve_on(self, auto_approve_days: int) -> date:
        """R-SCHED-5: the local date the period is approved automatically, N days before it starts."""
        return self.start - timedelta(days=auto_approve_days)


def check_auto_approve_days(days: int | None) -> None:
    """None = approved by hand; else 0..60 days ahead. Raises InvalidInput (422)."""
    if days is not None and not 0 <= days <= MAX_AUTO_APPROVE_DAYS:
        raise InvalidInput(f"Automatic approval is 0 to {MAX_AUTO_APPROVE_DAYS} days before a period.",
                           code="invalid_auto_approve_days", details={"auto_approve_days": days})


def _starts(frequency: BillingFrequency, anchor: date) -> Iterator[date]:
    """Period starts, from the one holding `anchor` on, without end."""
    begin = datetime.combine(anchor, datetime.min.time())
    if frequency.kind in ("weekly", "every_n_weeks"):
        rule = rrule(WEEKLY, interval=frequency.weeks, dtstart=begin)
    elif frequency.kind == "monthly":
        rule = rrule(MONTHLY, bymonthday=1, dtstart=begin.replace(day=1))
    else:
        first = begin.replace(day=1 if anchor.day <= 15 else 16)
        rule = rrule(MONTHLY, bymonthday=(1, 16), dtstart=first)
    for start in rule:
        yield start.date()


def periods(frequency: BillingFrequency, anchor: date, *, first: date, last: date) -> list[Period]:
    """The periods of a template whose first date is `anchor` that overlap local dates
    `first..last` (inclusive), oldest first. The first period is the one holding `anchor`."""
    out: list[Period] = []
    starts = _starts(frequency, anchor)
    current = next(starts)
    for following in starts:
        if current > last:
            break
        period = Period(current, following - timedelta(days=1))
        if period.end >= first:
            out.append(period)
        current = following
    return out


def period_holding(frequency: BillingFrequency, anchor: date, day: date) -> Period | None:
    """The period of the template (first date `anchor`) holding `day`; None before the first period."""
    found = periods(frequency, anchor, first=day, last=day)
    return found[0] if found else None


def projection_end(today: date) -> date:
    """The last local date projected from `today` (R-SCHED-5: 12 months ahead)."""
    return today + relativedelta(months=PROJECTION_MONTHS) - timedelta(days=1)


def clip(period: Period, starts_on: date, ends_on: date | None) -> tuple[date, date] | None:
    """The dates of `period` the template covers (it runs `starts_on..ends_on`); None when none."""
    first = max(period.start, starts_on)
    last = period.end if ends_on is None else min(period.end, ends_on)
    return (first, last) if first <= last else None
