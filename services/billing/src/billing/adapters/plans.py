"""SQL for company plans and free trials (R-PLAN-1, R-TEXT-1). Never commits: the unit of work does."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class SqlPlans:
    """The plans repository on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
