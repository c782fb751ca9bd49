"""The clients directory (kit's read model of clients.events) behind facility's `People` port."""

from __future__ import annotations

from uuid import UUID

from petcare_kit.client_directory import Directory, DirectoryCompany, DirectoryPerson
from sqlalchemy.ext.asyncio import AsyncSession


class SqlPeople:
    def __init__(self, session: AsyncSession) -> None:
        self.directory = Directory(session)

    async def company(self, company_id: UUID) -> DirectoryCompany | None:
        return await self.directory.company(company_id)

    async def person(self, company_id: UUID, person_id: UUID) -> DirectoryPerson | None:
        return await self.directory.person(company_id, person_id)

    async def active_staff(self, company_id: UUID) -> int:
        return len(await self.directory.people(company_id, kind="staff", active=True))
