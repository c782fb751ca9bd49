"""Opt-outs as plain functions over a session: the dispatcher uses them; the use cases reach the same
table through the unit of work's repository (unit_of_work.py). They never commit."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from texting.adapters.tables import opt_outs


async def set_opted_out(session: AsyncSession, company_id: UUID, number: str, opted_out: bool) -> None:
    if opted_out:
        await session.execute(insert(opt_outs).values(company_id=company_id, number=number).on_conflict_do_nothing())
    else:
        await session.execute(delete(opt_outs).where(opt_outs.c.company_id == company_id, opt_outs.c.number == number))


async def is_opted_out(session: AsyncSession, company_id: UUID, number: str) -> bool:
    return bool(await session.scalar(select(func.count()).select_from(opt_outs).where(
        opt_outs.c.company_id == company_id, opt_outs.c.number == number)))
