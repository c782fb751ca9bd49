"""SQL for company plans and free trials (R-PLAN-1, R-TEXT-1). Never commits: the unit of work does."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.plans_tables import company_plans as t
from billing.domain.plans import CompanyPlan, Plan


class SqlPlans:
    """The plans repository on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, company_id: UUID, *, for_update: bool = False) -> CompanyPlan | None:
        query = select(t).where(t.c.company_id == company_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).one_or_none()
        return _plan(row) if row else None

    async def add_if_absent(self, plan: CompanyPlan) -> bool:
        inserted = await self.session.execute(
            insert(t).values(company_id=plan.company_id, **_values(plan))
            .on_conflict_do_nothing(index_elements=["company_id"]).returning(t.c.company_id))
        return inserted.one_or_none() is not None

    async def save(self, plan: CompanyPlan) -> None:
        await self.session.execute(update(t).where(t.c.company_id == plan.company_id)
                                   .values(**_values(plan), updated_at=func.now()))

    async def claim_trials_ended(self, now: datetime, *, limit: int) -> list[CompanyPlan]:
        query = (select(t).where(t.c.trial_over.is_(False), t.c.trial_ends_at <= now)
                 .order_by(t.c.trial_ends_at, t.c.company_id).limit(limit).with_for_update(skip_locked=True))
        return [_plan(row) for row in await self.session.execute(query)]


def _values(plan: CompanyPlan) -> dict[str, Any]:
    return {"plan": plan.plan.value, "chosen": plan.chosen, "trial_started_on": plan.trial_started_on,
            "trial_ends_at": plan.trial_ends_at, "trial_over": plan.trial_over, "time_zone": plan.time_zone}


def _plan(row: Any) -> CompanyPlan:
    return CompanyPlan(row.company_id, Plan(row.plan), chosen=row.chosen, trial_started_on=row.trial_started_on,
                       trial_ends_at=row.trial_ends_at, trial_over=row.trial_over, time_zone=row.time_zone)
