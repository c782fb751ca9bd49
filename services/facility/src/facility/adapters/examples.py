"""The examples repository over SQL. Returns domain objects; never commits (the unit of work does)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from facility.adapters.tables import examples
from facility.domain.errors import ExampleNotFound
from facility.domain.examples import Example


class SqlExamples:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, example: Example) -> None:
        await self.session.execute(insert(examples).values(
            id=example.id, company_id=example.company_id, title=example.title, title_key=example.title_key))

    async def get(self, company_id: UUID, example_id: UUID) -> Example:
        row = (await self.session.execute(select(examples).where(
            examples.c.company_id == company_id, examples.c.id == example_id))).one_or_none()
        if row is None:
            raise ExampleNotFound("No such example in your company.")
        return _example(row)

    async def with_title_key(self, company_id: UUID, key: str) -> Example | None:
        row = (await self.session.execute(select(examples).where(
            examples.c.company_id == company_id, examples.c.title_key == key).limit(1))).one_or_none()
        return _example(row) if row is not None else None

    async def page(self, company_id: UUID, *, limit: int, offset: int) -> list[Example]:
        query = (select(examples).where(examples.c.company_id == company_id)
                 .order_by(examples.c.title_key, examples.c.id).limit(limit).offset(offset))
        return [_example(row) for row in await self.session.execute(query)]


def _example(row: Any) -> Example:
    return Example(row.id, row.company_id, row.title)
