"""Company plans and the 14-day free trial (R-PLAN-1); texting availability follows them (R-TEXT-1).

Every change of what a company has (its plan, or being in its trial) publishes `billing.plan.changed`
v1 {company_id, plan, in_trial} through the outbox, in the transaction of the change: the trial's
start, a plan chosen, and the trial's end (once: `end_ended_trials`, run by entrypoints/plans_jobs.py).
Texting keeps the event as its read model and refuses to text unless the plan allows it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from petcare_contracts.events.billing import PlanChanged

from billing.domain.plans import CompanyPlan, Plan, PlanNotKnownYet
from billing.service_layer.context import Context
from billing.service_layer.plans_commands import ChoosePlan, MoveTrial, StartTrial

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanView:
    """What GET /plan shows: the plan in effect now, the trial (dates in the company's zone) and
    whether texting is included (R-TEXT-1)."""

    plan: Plan
    chosen: bool
    in_trial: bool
    trial_started_on: date | None
    trial_ends_at: datetime | None
    trial_days_left: int
    texting_included: bool

    @classmethod
    def of(cls, company: CompanyPlan, now: datetime) -> PlanView:
        return cls(company.plan_at(now), company.chosen, company.in_trial_at(now), company.trial_started_on,
                   company.trial_ends_at, company.trial_days_left(now), company.texting_allowed_at(now))


async def get_plan(ctx: Context) -> PlanView:
    """The caller's company's plan. Raises PlanNotKnownYet (404) before billing heard of the company."""
    company = await ctx.uow.plans.get(ctx.company_id)
    if company is None:
        raise PlanNotKnownYet()
    return PlanView.of(company, ctx.now())


async def choose_plan(ctx: Context, command: ChoosePlan) -> PlanView:
    """R-PLAN-1: the admin picks Lite, Solo or Team, during the trial too (kept after it; texting
    still waits for the trial's end, R-TEXT-1). Publishes billing.plan.changed when anything changed.
    Raises PlanNotKnownYet (404) before billing heard of the company."""
    now = ctx.now()
    before = await ctx.uow.plans.get(ctx.company_id, for_update=True)
    if before is None:
        raise PlanNotKnownYet()
    after = before.choose(command.plan)
    if after != before:
        await ctx.uow.plans.save(after)
        await _publish(ctx, after, now)
    await ctx.commit()
    return PlanView.of(after, now)


async def start_trial(ctx: Context, command: StartTrial) -> CompanyPlan | None:
    """R-PLAN-1: a registered company starts its free trial on the Team plan (texting off, R-TEXT-1)
    and billing.plan.changed says so; a registration read after its trial ended starts it ended
    (Lite, in_trial false: announced here, never again by the trial-end job). A redelivered or
    replayed registration changes nothing (None). Runs in the consumer's batch, which commits. An
    unknown zone counts the days in UTC (logged)."""
    now = ctx.now()
    started = CompanyPlan.start_trial(command.company_id, command.registered_at, _zone(command.time_zone),
                                      _length(command.trial_length_seconds))
    if not started.in_trial_at(now):
        # Read after the trial already ended (a backlog, a replay): its end is applied and announced
        # here, once, and recorded as such so that end_ended_trials does not announce it again.
        started = started.end_trial()
    if not await ctx.uow.plans.add_if_absent(started):
        return None
    await _publish(ctx, started, now)
    return started


async def move_trial(ctx: Context, command: MoveTrial) -> None:
    """A company moved to another zone: its running trial ends at the new local midnight of the same
    day (nothing is published: what the company has does not change now). Runs in the consumer's batch."""
    if command.trial_length_seconds is not None:
        return
    before = await ctx.uow.plans.get(command.company_id, for_update=True)
    if before is None or before.time_zone == command.time_zone:
        return
    after = before.retimed(_zone(command.time_zone))
    if after != before:
        await ctx.uow.plans.save(after)


async def end_ended_trials(ctx: Context, *, limit: int) -> int:
    """R-PLAN-1: apply the end of up to `limit` trials that are over (the chosen plan stays, else
    Lite) and publish billing.plan.changed {in_trial: false} once for each, in one transaction:
    a trial whose end is committed is never picked again, one not committed is picked again.
    Returns how many ended."""
    now = ctx.now()
    ended = await ctx.uow.plans.claim_trials_ended(now, limit=limit)
    for company in ended:
        after = company.end_trial()
        await ctx.uow.plans.save(after)
        await _publish(ctx, after, now)
    if ended:
        await ctx.commit()
    return len(ended)


async def _publish(ctx: Context, company: CompanyPlan, now: datetime) -> None:
    await ctx.publish(PlanChanged(company_id=company.company_id, plan=company.plan_at(now).value,
                                  in_trial=company.in_trial_at(now)), company_id=company.company_id)


def _length(seconds: float | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r: the trial's days are counted in UTC", name)
        return ZoneInfo("UTC")
