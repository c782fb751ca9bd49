"""Repositories of the texting service. They never commit; every read is scoped to a company."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from petcare_kit.errors import NotFound
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from texting.adapters.tables import companies, opt_outs, people, texts, unassigned
from texting.domain.availability import CompanyTexting
from texting.domain.numbers import normalise


async def ensure_company(session: AsyncSession, company_id: UUID) -> None:
    await session.execute(insert(companies).values(company_id=company_id).on_conflict_do_nothing())


async def update_company(session: AsyncSession, company_id: UUID, **values: Any) -> None:
    await ensure_company(session, company_id)
    await session.execute(update(companies).where(companies.c.company_id == company_id).values(**values))


async def company(session: AsyncSession, company_id: UUID, *, for_update: bool = False) -> Any:
    await ensure_company(session, company_id)
    query = select(companies).where(companies.c.company_id == company_id)
    return (await session.execute(query.with_for_update() if for_update else query)).one()


def texting_state(row: Any) -> CompanyTexting:
    return CompanyTexting(row.plan, row.in_trial, row.texting_turned_on, row.number, row.registration_status)


async def company_by_number(session: AsyncSession, number: str) -> Any | None:
    return (await session.execute(select(companies).where(companies.c.number == number))).one_or_none()


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


async def get_person(session: AsyncSession, company_id: UUID, person_id: UUID) -> Any:
    row = (await session.execute(select(people).where(people.c.company_id == company_id,
                                                      people.c.person_id == person_id))).one_or_none()
    if row is None:
        raise NotFound("No such client or staff member.", code="person_not_found")
    return row


async def list_people(session: AsyncSession, company_id: UUID, kind: str | None) -> list[Any]:
    query = select(people).where(people.c.company_id == company_id)
    if kind:
        query = query.where(people.c.kind == kind)
    return list(await session.execute(query.order_by(people.c.name)))


async def match_sender(session: AsyncSession, company_id: UUID, number: str) -> Any | None:
    """R-TEXT-8: the active client or staff member with this number (normalised). Clients first: a
    shared household phone belongs to the client."""
    rows = (await session.execute(select(people).where(
        people.c.company_id == company_id, people.c.active.is_(True), people.c.numbers.contains([number]))
        .order_by((people.c.kind != "client"), people.c.name))).all()
    return rows[0] if rows else None


async def set_opted_out(session: AsyncSession, company_id: UUID, number: str, opted_out: bool) -> None:
    if opted_out:
        await session.execute(insert(opt_outs).values(company_id=company_id, number=number).on_conflict_do_nothing())
    else:
        await session.execute(delete(opt_outs).where(opt_outs.c.company_id == company_id, opt_outs.c.number == number))


async def is_opted_out(session: AsyncSession, company_id: UUID, number: str) -> bool:
    return bool(await session.scalar(select(func.count()).select_from(opt_outs).where(
        opt_outs.c.company_id == company_id, opt_outs.c.number == number)))


async def add_text(session: AsyncSession, **values: Any) -> bool:
    """False when this (delivery, part) or Twilio sid is already recorded: a redelivered command or
    a retried webhook."""
    result = await session.execute(insert(texts).values(**values).on_conflict_do_nothing().returning(texts.c.id))
    return result.scalar_one_or_none() is not None


async def add_unassigned(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(unassigned).values(**values))


async def get_unassigned(session: AsyncSession, company_id: UUID, unassigned_id: UUID) -> Any:
    row = (await session.execute(select(unassigned).where(unassigned.c.company_id == company_id,
                                                          unassigned.c.id == unassigned_id)
                                 .with_for_update())).one_or_none()
    if row is None:
        raise NotFound("No such unassigned message.", code="unassigned_message_not_found")
    return row
