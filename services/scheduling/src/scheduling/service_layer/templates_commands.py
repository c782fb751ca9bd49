"""What callers ask of templates (R-SCHED-5), one command per use case; also the API's request bodies
(unknown fields refused, sizes bounded: bad input is a 422 before anything changes)."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from scheduling.domain.billing_periods import MAX_AUTO_APPROVE_DAYS, MAX_WEEKS, BillingKind
from scheduling.domain.recurrence import MAX_INTERVAL

Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
MonthDay = Annotated[int, Field(ge=-31, le=31)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RepeatRule(Command):
    """The RRULE parts a template offers: `daily` (every `interval` days), `weekly` (every
    `interval` weeks on `weekdays`), `monthly` (every `interval` months on `month_days`, -1 = last)."""

    frequency: Literal["daily", "weekly", "monthly"]
    interval: int = Field(1, ge=1, le=MAX_INTERVAL)
    weekdays: list[Weekday] = Field(default_factory=list, max_length=7)
    month_days: list[MonthDay] = Field(default_factory=list, max_length=31)


class Billing(Command):
    """`weekly`, `every_n_weeks` (with `every_weeks` 2..52), `semi_monthly` (1st-15th, 16th-end), `monthly`."""

    frequency: BillingKind
    every_weeks: int = Field(1, ge=1, le=MAX_WEEKS)


class CreateTemplate(Command):
    """R-SCHED-5: `client_id`'s `pet_ids` get `service_id` from `starts_on` on, at `start_time`
    (local) or in `schedule_block_id` (one of the two), on the dates of `repeat`, billed per
    `billing`; periods are approved `auto_approve_days` before they start, or by hand when null."""

    client_id: UUID
    pet_ids: list[UUID] = Field(min_length=1, max_length=20)
    service_id: UUID
    starts_on: date
    start_time: time | None = None
    schedule_block_id: UUID | None = None
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    staff_id: UUID | None = None
    repeat: RepeatRule
    billing: Billing
    auto_approve_days: int | None = Field(None, ge=0, le=MAX_AUTO_APPROVE_DAYS)


class ApprovePeriod(Command):
    """Approve the period starting `period_start` by hand: its visits are created (R-SCHED-5).
    `override_conflicts`: create them even where the staff member is busy (R-SCHED-4)."""

    period_start: date
    override_conflicts: bool = False


class EndTemplate(Command):
    """End the template: it covers no date after `last_date` (default: today, local)."""

    last_date: date | None = None
