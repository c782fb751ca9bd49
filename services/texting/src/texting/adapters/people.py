"""People as texting reads them: the kit's clients directory read model (`petcare_kit.client_directory`),
joined with `person_numbers` for the inbound-number match (R-TEXT-8). Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from petcare_kit.client_directory import Directory, DirectoryPerson, directory_people
from petcare_kit.errors import NotFound
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from texting.adapters.tables import person_numbers
from texting.domain.people import Person, PersonKind


def person_of(person: DirectoryPerson, numbers: Sequence[str] = ()) -> Person:
    kind: PersonKind = "staff" if person.kind == "staff" else "client"
    return Person(person_id=person.person_id, company_id=person.company_id, kind=kind, name=person.name,
                  phones=[dict(p) for p in person.phones], custom_fields=dict(person.custom_fields),
                  active=person.active, numbers=list(numbers))


def _person_of_row(row: Any) -> Person:
    return Person(person_id=row.person_id, company_id=row.company_id, kind=row.kind,
                  name=f"{row.first_name} {row.last_name}".strip(), phones=list(row.phones),
                  custom_fields=dict(row.custom_fields), active=row.active)


class SqlPeople:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.directory = Directory(session)

    async def get(self, company_id: UUID, person_id: UUID) -> Person:
        person = await self.directory.person(company_id, person_id)
        if person is None:
            raise NotFound("No such client or staff member.", code="person_not_found")
        return person_of(person)

    async def in_company(self, company_id: UUID, kind: str | None) -> list[Person]:
        people = await self.directory.people(company_id, kind="client" if kind == "client" else
                                             "staff" if kind == "staff" else None)
        return sorted((person_of(p) for p in people), key=lambda p: (p.name, str(p.person_id)))

    async def with_number(self, company_id: UUID, number: str) -> list[Person]:
        """Through `person_numbers`' primary key (company, number): phones and custom fields, R-TEXT-4."""
        query = (select(directory_people)
                 .join(person_numbers, person_numbers.c.person_id == directory_people.c.person_id)
                 .where(person_numbers.c.company_id == company_id, person_numbers.c.number == number,
                        directory_people.c.company_id == company_id, directory_people.c.active.is_(True))
                 .order_by(directory_people.c.kind, directory_people.c.first_name, directory_people.c.last_name,
                           directory_people.c.person_id))
        return [_person_of_row(row) for row in await self.session.execute(query)]

    async def set_numbers(self, company_id: UUID, person_id: UUID, numbers: list[str]) -> None:
        """Replace the person's numbers (E.164) with `numbers`."""
        await self.session.execute(delete(person_numbers).where(person_numbers.c.person_id == person_id))
        if numbers:
            await self.session.execute(insert(person_numbers).values(
                [{"company_id": company_id, "number": n, "person_id": person_id} for n in numbers])
                .on_conflict_do_nothing())
