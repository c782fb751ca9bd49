"""What the plans use cases need from storage: company plans and free trials (R-PLAN-1, R-TEXT-1).
Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from billing.domain.plans import CompanyPlan


class Plans(Protocol):
    """The plans repository (SQL: adapters/plans.py; in memory: tests/unit/fakes_plans.py)."""

    async def get(self, company_id: UUID, *, for_update: bool = False) -> CompanyPlan | None:
        """The company's plan, or None when billing has not heard of the company. `for_update`:
        the row stays locked until the commit (changes of one company are serialised)."""

    async def add_if_absent(self, plan: CompanyPlan) -> bool:
        """Store a new company's plan; False (nothing changed) when it has one already (a
        redelivered or replayed registration)."""

    async def save(self, plan: CompanyPlan) -> None:
        """Store the company's plan as given (it exists)."""

    async def claim_trials_ended(self, now: datetime, *, limit: int) -> list[CompanyPlan]:
        """Up to `limit` plans whose trial ended at or before `now` and whose end was not applied
        yet, oldest end first, locked until the commit. Rows locked by another transaction (another
        replica's run) are skipped, never waited for."""
