"""In-memory plans repository for unit tests: the use cases run on it exactly as on SQL."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from billing.domain.plans import CompanyPlan


class FakePlans:
    """The plans repository in memory (`rows` by company)."""

    def __init__(self) -> None:
        self.rows: dict[UUID, CompanyPlan] = {}

    async def get(self, company_id: UUID, *, for_update: bool = False) -> CompanyPlan | None:
        return self.rows.get(company_id)

    async def add_if_absent(self, plan: CompanyPlan) -> bool:
        if plan.company_id in self.rows:
            return False
        self.rows[plan.company_id] = plan
        return True

    async def save(self, plan: CompanyPlan) -> None:
        assert plan.company_id in self.rows
        self.rows[plan.company_id] = plan

    async def claim_trials_ended(self, now: datetime, *, limit: int) -> list[CompanyPlan]:
        due = [p for p in self.rows.values() if not p.trial_over and p.trial_ends_at is not None
               and p.trial_ends_at <= now]
        return sorted(due, key=lambda p: (p.trial_ends_at or now, str(p.company_id)))[:limit]
