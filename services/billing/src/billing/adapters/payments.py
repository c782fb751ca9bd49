"""SQL for Stripe customers, saved cards, payment attempts, payments and refunds (R-PAY-1..4, R-EMAIL-3,
R-EMAIL-4). Never commits: the unit of work does."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class SqlPayments:
    """The payments repository on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
