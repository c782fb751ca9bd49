"""The writes of the `clients.events` read model (people, company names) and of opt-outs, as plain
functions over a session: the consumers' read-model handlers and the dispatcher use them; the use
cases reach the same tables through the repositories (accounts.py, people.py, unit_of_work.py).
They never commit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from texting.adapters.tables import companies, opt_outs, people
from texting.domain.numbers import normalise


async def ensure_company(session: AsyncSession, company_id: UUID) -> None:
    await session.execute(insert(companies).values(company_id=company_id).on_conflict_do_nothing())


async def update_company(session: AsyncSession, company_id: UUID, **values: Any) -> None:
    await ensure_company(session, company_id)
    await session.execute(update(companies).where(companies.c.company_id == company_id).values(**values))


async def upsert_person(session: AsyncSession, *, person_id: UUID, company_id: UUID, kind: str, name: str,
                        phones: list[dict], custom_fields: dict[str, str], active: bool = True) -> None:
    values = {"company_id": company_id, "kind": kind, "name": name, "phones": phones, "custom_fields": custom_fields,
              "active": active, "numbers": _numbers(phones, custom_fields)}
    await session.execute(insert(people).values(person_id=person_id, **values)
                          .on_conflict_do_update(index_elements=["person_id"], set_=values))


def _numbers(phones: list[dict], custom_fields: dict[str, str]) -> list[str]:
    """Every number a text from this person could come from: their phones and any custom field
    holding a number (the company may name one as the mobile field, R-TEXT-4, at any time)."""
    raw = [p.get("e164") or p.get("number") for p in phones] + list(custom_fields.values())
    return sorted({number for number in (normalise(r) for r in raw if r) if number})


async def set_person_active(session: AsyncSession, person_id: UUID, active: bool) -> None:
    await session.execute(update(people).where(people.c.person_id == person_id).values(active=active))


async def set_opted_out(session: AsyncSession, company_id: UUID, number: str, opted_out: bool) -> None:
    if opted_out:
        await session.execute(insert(opt_outs).values(company_id=company_id, number=number).on_conflict_do_nothing())
    else:
        await session.execute(delete(opt_outs).where(opt_outs.c.company_id == company_id, opt_outs.c.number == number))


async def is_opted_out(session: AsyncSession, company_id: UUID, number: str) -> bool:
    return bool(await session.scalar(select(func.count()).select_from(opt_outs).where(
        opt_outs.c.company_id == company_id, opt_outs.c.number == number)))
