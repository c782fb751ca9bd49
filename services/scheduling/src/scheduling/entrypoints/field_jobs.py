"""Background work of the field: late detection (R-SCHED-9) as a kit PeriodicJob. Each run opens a
unit of work and calls the use case; any number of replicas may run it (each late visit is reported
once: service_layer/field_lateness.py)."""

from __future__ import annotations

from petcare_kit.background import PeriodicJob
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduling.adapters.requests_unit_of_work import SqlRequestsUnitOfWork
from scheduling.service_layer import field_lateness
from scheduling.service_layer.context import Context

LATE_CHECK_EVERY_SECONDS = 30.0
"""The default of `SchedulingSettings.late_check_interval_seconds` (SCHEDULING_LATE_CHECK_INTERVAL_SECONDS)."""


async def report_late_once(sessions: async_sessionmaker[AsyncSession]) -> int:
    """One pass: every visit late now and not reported yet is reported; returns how many."""
    async with UnitOfWork(sessions) as uow:
        return await field_lateness.report_late_visits(Context(SqlRequestsUnitOfWork(uow)))


def late_job(sessions: async_sessionmaker[AsyncSession],
             interval_seconds: float = LATE_CHECK_EVERY_SECONDS) -> PeriodicJob:
    """Every `interval_seconds` (at once again after a full batch); errors are logged and retried
    with backoff by the job."""
    return PeriodicJob("late-visits", lambda: report_late_once(sessions), interval_seconds=interval_seconds,
                       busy_at=field_lateness.BATCH)
