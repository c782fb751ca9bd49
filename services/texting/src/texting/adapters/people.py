"""The people read model in SQL (fed by clients.events, see entrypoints/consumers.py). Never commits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from petcare_kit.errors import NotFound
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from texting.adapters.tables import people
from texting.domain.people import Person


def person_of(row: Any) -> Person:
    return Person(person_id=row.person_id, company_id=row.company_id, kind=row.kind, name=row.name,
                  phones=list(row.phones), custom_fields=dict(row.custom_fields), active=row.active,
                  numbers=list(row.numbers))


class SqlPeople:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, company_id: UUID, person_id: UUID) -> Person:
        row = (await self.session.execute(select(people).where(people.c.company_id == company_id,
                                                               people.c.person_id == person_id))).one_or_none()
        if row is None:
            raise NotFound("No such client or staff member.", code="person_not_found")
        return person_of(row)

    async def in_company(self, company_id: UUID, kind: str | None) -> list[Person]:
        query = select(people).where(people.c.company_id == company_id)
        if kind:
            query = query.where(people.c.kind == kind)
        return [person_of(row) for row in await self.session.execute(query.order_by(people.c.name))]

    async def with_number(self, company_id: UUID, number: str) -> list[Person]:
        """Through the GIN index of each person's numbers (phones and custom fields, R-TEXT-4)."""
        query = (select(people).where(people.c.company_id == company_id, people.c.active.is_(True),
                                      people.c.numbers.contains([number]))
                 .order_by(people.c.kind, people.c.name, people.c.person_id))
        return [person_of(row) for row in await self.session.execute(query)]
