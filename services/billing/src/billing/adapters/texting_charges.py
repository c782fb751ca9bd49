"""SQL for texting charges: numbers held, usage, periods and their charges (R-BILL-1..5). Never commits: the unit
of work does."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class SqlTextingCharges:
    """The texting charges repository on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
