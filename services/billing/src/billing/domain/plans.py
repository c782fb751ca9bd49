"""R-PLAN-1: a company's plan (Lite, Solo, Team) and its 14-day free trial; R-TEXT-1 follows.

The trial starts on the company's local day of registration and covers 14 local days: it ends at the
company's local midnight starting the 15th day. A new company is on `TRIAL_PLAN` (Team: every
feature) during its trial, texting excepted (R-TEXT-1); a plan chosen during the trial is kept (and
used) from then on; a company that chose none by the trial's end falls to `PLAN_WITHOUT_CHOICE`
(Lite: nothing is charged that nobody asked for, and texting stays off).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from petcare_kit.errors import NotFound

TRIAL_DAYS = 14


class PlanNotKnownYet(NotFound):
    """404 `plan_not_known_yet`: billing has not yet heard that the company registered (its trial
    starts then, R-PLAN-1); a sign-up reaches billing within moments, so try again."""

    code = "plan_not_known_yet"

    def __init__(self) -> None:
        super().__init__("Billing has not heard of this company's registration yet; try again in a moment.")


class Plan(StrEnum):
    LITE = "lite"
    SOLO = "solo"
    TEAM = "team"


TRIAL_PLAN = Plan.TEAM
"""What a new company has during its free trial (texting is still off: R-TEXT-1)."""
PLAN_WITHOUT_CHOICE = Plan.LITE
"""What a company that chose no plan during its trial has once the trial is over."""


def trial_end(trial_started_on: date) -> date:
    """The first day after the trial: a trial started on the 1st covers the 1st..14th, ends on the 15th."""
    return trial_started_on + timedelta(days=TRIAL_DAYS)


def trial_ends_at(trial_started_on: date, zone: ZoneInfo) -> datetime:
    """The instant (UTC) the trial ends: local midnight starting `trial_end(trial_started_on)` in
    `zone` (a midnight skipped by a clock change resolves to the instant after the gap)."""
    local = datetime.combine(trial_end(trial_started_on), time(0), tzinfo=zone)
    return local.astimezone(UTC)


@dataclass(frozen=True)
class CompanyPlan:
    """One company's plan (R-PLAN-1). `chosen`: False while the company has the trial's plan without
    having picked one. `trial_ends_at` (aware) is when the trial ends; `trial_over` is True once its
    end was applied and announced (the periodic job sets it, once). Never a trial: no `trial_ends_at`."""

    company_id: UUID
    plan: Plan
    chosen: bool = True
    trial_started_on: date | None = None
    trial_ends_at: datetime | None = None
    trial_over: bool = False
    time_zone: str | None = None
    """The company's IANA zone the trial's days are counted in (from the clients directory)."""

    @classmethod
    def start_trial(cls, company_id: UUID, registered_at: datetime, zone: ZoneInfo,
                    length: timedelta | None = None) -> CompanyPlan:
        """A new company's 14-day trial from its local day of registration (`registered_at`, aware).
        `length` replaces the 14 local days by a span from `registered_at` (tests only; see config)."""
        started_on = registered_at.astimezone(zone).date()
        ends_at = trial_ends_at(started_on, zone) if length is None else (registered_at + length).astimezone(UTC)
        return cls(company_id, TRIAL_PLAN, chosen=False, trial_started_on=started_on, trial_ends_at=ends_at,
                   time_zone=zone.key)

    def in_trial_at(self, now: datetime) -> bool:
        """True from registration until `trial_ends_at` (exclusive); False without a trial."""
        return self.trial_ends_at is not None and not self.trial_over and now < self.trial_ends_at

    def plan_at(self, now: datetime) -> Plan:
        """The plan in effect at `now`: the one held, or Lite once a trial ended without a choice."""
        if self.trial_ends_at is not None and not self.chosen and not self.in_trial_at(now):
            return PLAN_WITHOUT_CHOICE
        return self.plan

    def texting_allowed_at(self, now: datetime) -> bool:
        """R-TEXT-1: Solo or Team, and not during the free trial."""
        return self.plan_at(now) in (Plan.SOLO, Plan.TEAM) and not self.in_trial_at(now)

    def trial_days_left(self, now: datetime) -> int:
        """Local days of the trial left counting today (14 on its first day, 1 on its last, 0 once over)."""
        if not self.in_trial_at(now) or self.trial_ends_at is None:
            return 0
        zone = ZoneInfo(self.time_zone or "UTC")
        last_day = (self.trial_ends_at - timedelta(microseconds=1)).astimezone(zone).date()
        return (last_day - now.astimezone(zone).date()).days + 1

    def choose(self, plan: Plan) -> CompanyPlan:
        """The plan the company picked (during its trial too: it is kept after the trial)."""
        return replace(self, plan=plan, chosen=True)

    def end_trial(self) -> CompanyPlan:
        """The trial's end applied: the chosen plan stays, else Lite; `trial_over` set."""
        return replace(self, plan=self.plan if self.chosen else PLAN_WITHOUT_CHOICE, trial_over=True)

    def retimed(self, zone: ZoneInfo) -> CompanyPlan:
        """The same trial days in another zone (the company moved): its end instant follows the new
        local midnight. Unchanged when there is no running 14-day trial."""
        if self.trial_started_on is None or self.trial_ends_at is None or self.trial_over:
            return self
        return replace(self, trial_ends_at=trial_ends_at(self.trial_started_on, zone), time_zone=zone.key)
