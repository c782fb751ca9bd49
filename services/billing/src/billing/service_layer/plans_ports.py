"""What the plans use cases need from storage: company plans and free trials (R-PLAN-1, R-TEXT-1).
Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol


class Plans(Protocol):
    """The plans repository (SQL: adapters/plans.py; in memory: tests/unit/fakes_plans.py)."""
