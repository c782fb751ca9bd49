"""Companies' texting accounts in SQL (the `companies` table, with the company's name from the kit's
clients directory read model). Never commits."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from petcare_kit.client_directory import directory_companies
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from texting.adapters.tables import companies
from texting.domain.account import TextingAccount

_COLUMN = {"turned_on": "texting_turned_on"}
"""Account field → column, where the names differ."""


def account_of(row: Any) -> TextingAccount:
    values = row._mapping
    return TextingAccount(**{name: values[_COLUMN.get(name, name)] for name in TextingAccount.__dataclass_fields__})


_ACCOUNT = select(companies, func.coalesce(directory_companies.c.name, "").label("name")).outerjoin(
    directory_companies, directory_companies.c.company_id == companies.c.company_id)
"""An account row: texting's own columns and the name clients.events gave the company."""


class SqlAccounts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, company_id: UUID, *, for_update: bool = False) -> TextingAccount:
        await self.session.execute(insert(companies).values(company_id=company_id).on_conflict_do_nothing())
        query = _ACCOUNT.where(companies.c.company_id == company_id)
        return account_of((await self.session.execute(
            query.with_for_update(of=companies) if for_update else query)).one())

    async def by_number(self, number: str) -> TextingAccount | None:
        row = (await self.session.execute(_ACCOUNT.where(companies.c.number == number))).one_or_none()
        return account_of(row) if row is not None else None

    async def save(self, account: TextingAccount) -> None:
        values = {_COLUMN.get(name, name): value for name, value in asdict(account).items()
                  if name not in ("company_id", "name")}  # the name is the clients directory's
        await self.session.execute(update(companies).where(companies.c.company_id == account.company_id)
                                   .values(**values))
