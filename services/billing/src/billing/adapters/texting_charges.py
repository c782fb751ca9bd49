"""SQL for texting charges: numbers held, periods and their transactions (R-BILL-1..5), and what they
read of the clients directory read model (the company's zone, its active staff). Never commits: the
unit of work does."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from petcare_kit.client_directory import directory_companies, directory_people
from sqlalchemy import func, select, union, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.texting_charges_tables import texting_numbers, texting_periods, texting_transactions
from billing.domain.texting_charges import Holding, Period, TextingPeriod, Transaction
from billing.service_layer.texting_charges_ports import CompanyNotKnownYet

BILL_COLUMNS = ("active_staff", "allowance", "rolled_over_in", "rolled_over_out", "overage_texts",
                "number_fee_cents", "overage_cents")


def _period(row: Any) -> Period:
    bill = None
    if row.status == "closed":
        bill = TextingPeriod(month=row.month, texts_sent=row.texts_sent, texts_received=row.texts_received,
                             **{name: getattr(row, name) for name in BILL_COLUMNS})
    return Period(row.company_id, row.month, row.texts_sent, row.texts_received, bill, row.closed_at, row.closed_by)


def _transaction(row: Any) -> Transaction:
    return Transaction(row.id, row.company_id, row.month, row.kind, row.description, row.occurred_at, row.units,
                       row.cents, row.text_id)


class SqlTextingCharges:
    """The texting charges repository on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def time_zone(self, company_id: UUID) -> str | None:
        row = (await self.session.execute(select(directory_companies.c.time_zone).where(
            directory_companies.c.company_id == company_id))).one_or_none()
        if row is None:
            raise CompanyNotKnownYet(company_id)
        zone: str | None = row.time_zone
        return zone

    async def active_staff(self, company_id: UUID) -> int:
        count = await self.session.scalar(select(func.count()).select_from(directory_people).where(
            directory_people.c.company_id == company_id, directory_people.c.kind == "staff",
            directory_people.c.active.is_(True)))
        return int(count or 0)

    async def add_holding(self, company_id: UUID, holding: Holding) -> None:
        await self.session.execute(insert(texting_numbers).values(
            company_id=company_id, number=holding.number, provisioned_at=holding.provisioned_at,
            released_at=holding.released_at).on_conflict_do_nothing())

    async def release_holding(self, company_id: UUID, number: str, released_at: datetime) -> None:
        latest = (select(func.max(texting_numbers.c.provisioned_at)).where(
            texting_numbers.c.company_id == company_id, texting_numbers.c.number == number,
            texting_numbers.c.released_at.is_(None)).scalar_subquery())
        await self.session.execute(update(texting_numbers).where(
            texting_numbers.c.company_id == company_id, texting_numbers.c.number == number,
            texting_numbers.c.provisioned_at == latest).values(released_at=released_at))

    async def holdings(self, company_id: UUID) -> list[Holding]:
        rows = await self.session.execute(select(texting_numbers).where(texting_numbers.c.company_id == company_id)
                                          .order_by(texting_numbers.c.provisioned_at))
        return [Holding(row.number, row.provisioned_at, row.released_at) for row in rows]

    async def period(self, company_id: UUID, month: str) -> Period | None:
        row = (await self.session.execute(select(texting_periods).where(
            texting_periods.c.company_id == company_id, texting_periods.c.month == month))).one_or_none()
        return _period(row) if row is not None else None

    async def period_for_update(self, company_id: UUID, month: str) -> Period:
        await self.session.execute(insert(texting_periods).values(company_id=company_id, month=month)
                                   .on_conflict_do_nothing())
        row = (await self.session.execute(select(texting_periods).where(
            texting_periods.c.company_id == company_id, texting_periods.c.month == month).with_for_update())).one()
        return _period(row)

    async def save_period(self, period: Period) -> None:
        values: dict[str, Any] = {"texts_sent": period.texts_sent, "texts_received": period.texts_received}
        if period.bill is not None:
            values |= {name: getattr(period.bill, name) for name in BILL_COLUMNS}
            values |= {"status": "closed", "closed_at": period.closed_at, "closed_by": period.closed_by,
                       "total_cents": period.bill.total_cents}
        await self.session.execute(update(texting_periods).values(**values).where(
            texting_periods.c.company_id == period.company_id, texting_periods.c.month == period.month))

    async def last_closed_month(self, company_id: UUID) -> str | None:
        month: str | None = await self.session.scalar(select(func.max(texting_periods.c.month)).where(
            texting_periods.c.company_id == company_id, texting_periods.c.status == "closed"))
        return month

    async def first_open_month(self, company_id: UUID) -> str | None:
        month: str | None = await self.session.scalar(select(func.min(texting_periods.c.month)).where(
            texting_periods.c.company_id == company_id, texting_periods.c.status == "open"))
        return month

    async def add_transaction(self, transaction: Transaction) -> bool:
        result = await self.session.execute(insert(texting_transactions).values(
            id=transaction.id, company_id=transaction.company_id, month=transaction.month, kind=transaction.kind,
            description=transaction.description, occurred_at=transaction.occurred_at, units=transaction.units,
            cents=transaction.cents, text_id=transaction.text_id).on_conflict_do_nothing()
            .returning(texting_transactions.c.id))
        return result.scalar_one_or_none() is not None

    async def periods(self, company_id: UUID) -> list[Period]:
        rows = await self.session.execute(select(texting_periods).where(texting_periods.c.company_id == company_id)
                                          .order_by(texting_periods.c.month.desc()))
        return [_period(row) for row in rows]

    async def transactions(self, company_id: UUID, month: str, *, limit: int, offset: int) -> tuple[list[Transaction],
                                                                                                      int]:
        where = (texting_transactions.c.company_id == company_id, texting_transactions.c.month == month)
        rows = await self.session.execute(select(texting_transactions).where(*where)
                                          .order_by(texting_transactions.c.occurred_at, texting_transactions.c.id)
                                          .limit(limit).offset(offset))
        total = await self.session.scalar(select(func.count()).select_from(texting_transactions).where(*where))
        return [_transaction(row) for row in rows], int(total or 0)

    async def companies_to_close(self, held_since: datetime) -> list[UUID]:
        candidates = union(
            select(texting_periods.c.company_id).where(texting_periods.c.status == "open"),
            select(texting_numbers.c.company_id).where(texting_numbers.c.released_at.is_(None)
                                                       | (texting_numbers.c.released_at > held_since)),
        ).subquery()
        return list(await self.session.scalars(select(candidates.c.company_id).order_by(candidates.c.company_id)))
