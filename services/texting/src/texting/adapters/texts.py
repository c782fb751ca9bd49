"""Texts and usage months in SQL. The usage counts are the domain's definition (domain/usage.py)
written once as SQL here, for the messages log and the months alike. Never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from petcare_kit.client_directory import directory_companies
from sqlalchemy import ColumnElement, DateTime, FunctionFilter, and_, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from texting.adapters.tables import texts, usage_months
from texting.domain.months import FALLBACK_ZONE
from texting.domain.texts import LogFilter, Text
from texting.domain.usage import BILLED_OUTBOUND, FAILED_OUTBOUND, UsageTotals

ZONE = func.coalesce(directory_companies.c.time_zone, FALLBACK_ZONE)
"""The company's IANA zone (clients directory), UTC while not known (domain/months.py)."""


def local_month(moment: ColumnElement[Any]) -> ColumnElement[str]:
    """The company's local calendar month (YYYY-MM) of an instant, by PostgreSQL's IANA zones
    (`timezone(zone, timestamptz)` is the wall-clock time there); needs `directory_companies` joined."""
    return func.to_char(func.timezone(ZONE, moment), "YYYY-MM")


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

    async def unclosed(self, now: datetime) -> list[tuple[UUID, str, UsageTotals]]:
        sent, received, failed = usage_counts()
        month = local_month(texts.c.created_at)
        months = (select(texts.c.company_id, month.label("month"), sent.label("sent"), received.label("received"),
                         failed.label("failed"))
                  .select_from(texts.outerjoin(directory_companies,
                                               directory_companies.c.company_id == texts.c.company_id))
                  .where(texts.c.created_at < now)  # only texts of the past can be in a finished month
                  .where(month < local_month(literal(now, DateTime(timezone=True))))
                  .group_by(texts.c.company_id, month).subquery())
        already = select(1).where(usage_months.c.company_id == months.c.company_id,
                                  usage_months.c.month == months.c.month).exists()
        rows = await self.session.execute(select(months).where(~already).order_by(months.c.month))
        return [(row.company_id, row.month, UsageTotals(row.sent, row.received, row.failed)) for row in rows]

    async def time_zone(self, company_id: UUID) -> str | None:
        zone: str | None = await self.session.scalar(select(directory_companies.c.time_zone).where(
            directory_companies.c.company_id == company_id))
        return zone

    async def close(self, company_id: UUID, month: str, totals: UsageTotals) -> bool:
        result = await self.session.execute(insert(usage_months).values(
            company_id=company_id, month=month, sent=totals.sent, received=totals.received)
            .on_conflict_do_nothing().returning(usage_months.c.month))
        return result.scalar_one_or_none() is not None
