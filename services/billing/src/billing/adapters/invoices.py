"""SQL for invoices, their lines, company billing settings and per-client rates (R-INV-1..4, R-EMAIL-5, R-NEVER-1).
Never commits: the unit of work does."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class SqlInvoices:
    """The invoices repository on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
