"""R-PLAN-1: a company's plan (Lite, Solo, Team) and its 14-day free trial; R-TEXT-1 follows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

TRIAL_DAYS = 14


class Plan(StrEnum):
    LITE = "lite"
    SOLO = "solo"
    TEAM = "team"


def trial_end(trial_started_on: date) -> date:
    """The first day after the trial: a trial started on the 1st covers the 1st..14th, ends on the 15th."""
    return trial_started_on + timedelta(days=TRIAL_DAYS)


@dataclass(frozen=True)
class CompanyPlan:
    """The plan chosen and, when the company began with a free trial, the (local) day it began."""

    plan: Plan
    trial_started_on: date | None = None

    def in_trial_on(self, today: date) -> bool:
        """True on the 14 days from `trial_started_on` (inclusive), False without a trial."""
        if self.trial_started_on is None:
            return False
        return self.trial_started_on <= today < trial_end(self.trial_started_on)

    def trial_days_left(self, today: date) -> int:
        """Days of the trial left counting today (14 on its first day, 0 once it is over)."""
        if not self.in_trial_on(today) or self.trial_started_on is None:
            return 0
        return (trial_end(self.trial_started_on) - today).days

    def texting_allowed_on(self, today: date) -> bool:
        """R-TEXT-1: Solo or Team, and not during the free trial."""
        return self.plan in (Plan.SOLO, Plan.TEAM) and not self.in_trial_on(today)
