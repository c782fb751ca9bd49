"""SQL for packages, clients' packages and redemptions (R-PKG-1). Never commits: the unit of work does."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class SqlPackages:
    """The packages repository on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
