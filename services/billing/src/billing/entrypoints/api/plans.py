"""The API of company plans and free trials (R-PLAN-1, R-TEXT-1). Thin: parse, call one use case, shape the answer.
Admins and office managers read the plan; only an admin changes it."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from petcare_kit.identity import MANAGERS, Role, allow
from pydantic import BaseModel

from billing.domain.plans import Plan
from billing.entrypoints.api.deps import ContextDep
from billing.service_layer import plans
from billing.service_layer.plans import PlanView
from billing.service_layer.plans_commands import ChoosePlan

router = APIRouter(tags=["plans"])


class PlanAnswer(BaseModel):
    """The company's plan now. `chosen`: false while the trial's plan (Team) was not picked;
    `trial_started_on` is the company's local day of registration, `trial_ends_at` the instant the
    trial ends (the local midnight after its 14th day); `texting_included` follows R-TEXT-1."""

    plan: Plan
    chosen: bool
    in_trial: bool
    trial_started_on: date | None
    trial_ends_at: datetime | None
    trial_days_left: int
    texting_included: bool

    @classmethod
    def of(cls, view: PlanView) -> PlanAnswer:
        return cls(plan=view.plan, chosen=view.chosen, in_trial=view.in_trial, trial_started_on=view.trial_started_on,
                   trial_ends_at=view.trial_ends_at, trial_days_left=view.trial_days_left,
                   texting_included=view.texting_included)


@router.get("/plan", response_model=PlanAnswer, **allow(*MANAGERS))
async def get_plan(ctx: ContextDep) -> PlanAnswer:
    """R-PLAN-1. 404 `plan_not_known_yet` for a moment after sign-up (billing has not heard of it yet)."""
    return PlanAnswer.of(await plans.get_plan(ctx))


@router.put("/plan", response_model=PlanAnswer, **allow(Role.ADMIN))
async def choose_plan(body: ChoosePlan, ctx: ContextDep) -> PlanAnswer:
    """R-PLAN-1: `{"plan": "lite" | "solo" | "team"}`, during the trial too (kept after it). Texting
    needs Solo or Team and the trial over (R-TEXT-1). 404 `plan_not_known_yet` right after sign-up."""
    return PlanAnswer.of(await plans.choose_plan(ctx, body))
