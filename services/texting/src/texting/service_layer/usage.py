"""Usage metering (R-TEXT-13): what a company used in a month, and closing finished months for
billing once each (R-BILL-2..5 are billing's; it receives one summary per company and month)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from uuid import UUID

from petcare_contracts.events.texting import UsageMonthClosed
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from texting.adapters.tables import texts, usage_months

log = logging.getLogger(__name__)
BILLED_OUTBOUND = ("sent", "delivered", "read", "undelivered")
"""The carrier took these: Twilio bills them even when the handset never got them."""
MONTH = func.to_char(func.timezone("UTC", texts.c.created_at), "YYYY-MM")


def _used():  # type: ignore[no-untyped-def]
    return (func.count().filter(and_(texts.c.direction == "outbound", texts.c.status.in_(BILLED_OUTBOUND))),
            func.count().filter(texts.c.direction == "inbound"),
            func.count().filter(texts.c.status.in_(("failed",))))


async def month_usage(session: AsyncSession, company_id: UUID, month: str) -> dict:
    sent, received, failed = (await session.execute(select(*_used()).where(
        texts.c.company_id == company_id, MONTH == month))).one()
    return {"month": month, "sent": sent, "received": received, "used": sent + received,
            "failed_not_billed": failed}


async def close_finished_months(uow: UnitOfWork, now: datetime) -> int:
    """Publish each company's finished months not published yet; the table makes it once only."""
    current = now.strftime("%Y-%m")
    sent, received = _used()[:2]
    months = (select(texts.c.company_id, MONTH.label("month"), sent.label("sent"), received.label("received"))
              .where(MONTH < current).group_by(texts.c.company_id, MONTH).subquery())
    already = select(1).where(usage_months.c.company_id == months.c.company_id,
                              usage_months.c.month == months.c.month).exists()
    rows = (await uow.session.execute(select(months).where(~already))).all()
    for company_id, month, sent, received in rows:
        await uow.session.execute(insert(usage_months).values(company_id=company_id, month=month, sent=sent,
                                                              received=received).on_conflict_do_nothing())
        await uow.publish(UsageMonthClosed(company_id=company_id, month=month, sent=sent, received=received),
                          company_id=company_id)
    await uow.commit()
    return len(rows)


async def close_months_forever(sessions: async_sessionmaker[AsyncSession], interval_seconds: float = 3600) -> None:
    while True:
        try:
            async with UnitOfWork(sessions) as uow:
                await close_finished_months(uow, datetime.now(UTC))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("closing usage months failed; will retry")
        with contextlib.suppress(TimeoutError):
            await asyncio.sleep(interval_seconds)
