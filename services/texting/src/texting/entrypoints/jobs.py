"""Background work of texting that is not the dispatcher: closing finished usage months (R-TEXT-13).
Each run opens a unit of work, builds the command and calls the use case."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from texting.adapters.unit_of_work import SqlUnitOfWork
from texting.service_layer import usage
from texting.service_layer.commands import CloseFinishedMonths
from texting.service_layer.context import Context

log = logging.getLogger(__name__)


async def close_months_once(sessions: async_sessionmaker[AsyncSession], now: datetime | None = None) -> int:
    """Close every finished month not closed yet; returns how many were published."""
    async with UnitOfWork(sessions) as uow:
        return await usage.close_finished_months(Context(SqlUnitOfWork(uow)),
                                                 CloseFinishedMonths(now=now or datetime.now(UTC)))


async def close_months_forever(sessions: async_sessionmaker[AsyncSession], interval_seconds: float = 3600) -> None:
    """Safe with several replicas: a month is closed once whoever gets there first (usage_months)."""
    while True:
        try:
            await close_months_once(sessions)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("closing usage months failed; will retry")
        with contextlib.suppress(TimeoutError):
            await asyncio.sleep(interval_seconds)
