"""Background work of texting that is not the dispatcher: closing finished usage months (R-TEXT-13;
the company's local calendar months, domain/months.py),
as a kit PeriodicJob. Each run opens a unit of work, builds the command and calls the use case."""

from __future__ import annotations

from datetime import UTC, datetime

from petcare_kit.background import PeriodicJob
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from texting.adapters.unit_of_work import SqlUnitOfWork
from texting.service_layer import usage
from texting.service_layer.commands import CloseFinishedMonths
from texting.service_layer.context import Context

CLOSE_MONTHS_EVERY_SECONDS = 3600.0


async def close_months_once(sessions: async_sessionmaker[AsyncSession], now: datetime | None = None) -> int:
    """Close every finished month not closed yet; returns how many were published."""
    async with UnitOfWork(sessions) as uow:
        return await usage.close_finished_months(Context(SqlUnitOfWork(uow)),
                                                 CloseFinishedMonths(now=now or datetime.now(UTC)))


def close_months_job(sessions: async_sessionmaker[AsyncSession],
                     interval_seconds: float = CLOSE_MONTHS_EVERY_SECONDS) -> PeriodicJob:
    """Hourly; safe with several replicas: a month is closed once, by whoever gets there first
    (usage_months). A failed run is logged and retried with backoff by the job."""
    return PeriodicJob("usage-months", lambda: close_months_once(sessions), interval_seconds=interval_seconds)
