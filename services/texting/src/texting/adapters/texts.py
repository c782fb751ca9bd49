"""Texts and usage months in SQL. The usage counts are the domain's definition (domain/usage.py)
written once as SQL here, for the messages log and the months alike. Never commits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, FunctionFilter, and_, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from texting.adapters.tables import texts, usage_months
from texting.domain.texts import LogFilter, Text
from texting.domain.usage import BILLED_OUTBOUND, FAILED_OUTBOUND, UsageTotals

MONTH = func.to_char(func.timezone("UTC", texts.c.created_at), "YYYY-MM")
"""The UTC month (YYYY-MM) a text was stored in."""


def usage_counts() -> tuple[FunctionFilter[Any], FunctionFilter[Any], FunctionFilter[Any]]:
    """(sent, received, failed) of domain/usage.py as SQL aggregates over `texts`."""
    outbound = texts.c.direction == "outbound"
    return (func.count().filter(and_(outbound, texts.c.status.in_(sorted(BILLED_OUTBOUND)))),
            func.count().filter(texts.c.direction == "inbound"),
            func.count().filter(and_(outbound, texts.c.status.in_(sorted(FAILED_OUTBOUND)))))


def text_of(row: Any) -> Text:
    return Text(id=row.id, company_id=row.company_id, direction=row.direction, number=row.number,
                company_number=row.company_number, body=row.body, status=row.status, media_urls=list(row.media_urls),
                segments=row.segments, delivery_id=row.delivery_id, part=row.part, person_id=row.person_id,
                person_kind=row.person_kind, twilio_sid=row.twilio_sid, purpose=row.purpose,
                error_code=row.error_code, error=row.error, created_at=row.created_at)


def _where(company_id: UUID, where: LogFilter) -> list[ColumnElement[bool]]:
    conditions = [texts.c.company_id == company_id]
    if where.direction:
        conditions.append(texts.c.direction == where.direction)
    if where.status:
        conditions.append(texts.c.status == where.status)
    if where.person_id:
        conditions.append(texts.c.person_id == where.person_id)
    if where.since:
        conditions.append(texts.c.created_at >= where.since)
    if where.until:
        conditions.append(texts.c.created_at < where.until)
    return conditions


class SqlTexts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, text: Text) -> bool:
        values = {name: getattr(text, name) for name in (
            "id", "company_id", "direction", "delivery_id", "part", "person_id", "person_kind", "number",
            "company_number", "body", "media_urls", "segments", "status", "twilio_sid", "purpose")}
        if text.status == "pending":  # due for the dispatcher at once, by the database's clock
            values["next_attempt_at"] = func.now()
        result = await self.session.execute(insert(texts).values(**values).on_conflict_do_nothing()
                                            .returning(texts.c.id))
        return result.scalar_one_or_none() is not None

    async def by_sid(self, twilio_sid: str) -> Text | None:
        row = (await self.session.execute(select(texts).where(texts.c.twilio_sid == twilio_sid)
                                          .with_for_update())).one_or_none()
        return text_of(row) if row is not None else None

    async def set_status(self, text_id: UUID, status: str, error_code: int | None) -> None:
        await self.session.execute(update(texts).where(texts.c.id == text_id).values(
            status=status, error_code=error_code, updated_at=func.now()))

    async def statuses_of_delivery(self, delivery_id: UUID) -> set[str]:
        return set(await self.session.scalars(select(texts.c.status).where(texts.c.delivery_id == delivery_id)))

    async def assign(self, text_id: UUID, person_id: UUID, person_kind: str) -> None:
        await self.session.execute(update(texts).where(texts.c.id == text_id).values(
            person_id=person_id, person_kind=person_kind, updated_at=func.now()))

    async def log(self, company_id: UUID, where: LogFilter, limit: int) -> list[Text]:
        rows = await self.session.execute(select(texts).where(*_where(company_id, where))
                                          .order_by(texts.c.created_at.desc(), texts.c.id).limit(limit))
        return [text_of(row) for row in rows]

    async def totals(self, company_id: UUID, where: LogFilter) -> UsageTotals:
        sent, received, failed = (await self.session.execute(
            select(*usage_counts()).where(*_where(company_id, where)))).one()
        return UsageTotals(sent=sent, received=received, failed=failed)


class SqlUsageMonths:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def unclosed(self, before_month: str) -> list[tuple[UUID, str, UsageTotals]]:
        year, number = int(before_month[:4]), int(before_month[5:7])
        sent, received, failed = usage_counts()
        months = (select(texts.c.company_id, MONTH.label("month"), sent.label("sent"), received.label("received"),
                         failed.label("failed"))
                  .where(texts.c.created_at < datetime(year, number, 1, tzinfo=UTC))
                  .group_by(texts.c.company_id, MONTH).subquery())
        already = select(1).where(usage_months.c.company_id == months.c.company_id,
                                  usage_months.c.month == months.c.month).exists()
        rows = await self.session.execute(select(months).where(~already).order_by(months.c.month))
        return [(row.company_id, row.month, UsageTotals(row.sent, row.received, row.failed)) for row in rows]

    async def close(self, company_id: UUID, month: str, totals: UsageTotals) -> bool:
        result = await self.session.execute(insert(usage_months).values(
            company_id=company_id, month=month, sent=totals.sent, received=totals.received)
            .on_conflict_do_nothing().returning(usage_months.c.month))
        return result.scalar_one_or_none() is not None
