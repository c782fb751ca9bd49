"""The periodic job that ends free trials (R-PLAN-1): each ended trial is applied and
`billing.plan.changed` {in_trial: false} published once, texting then following (R-TEXT-1).

Safe with several replicas and across restarts: a run locks the due rows with
`SELECT ... FOR UPDATE SKIP LOCKED` (replicas share them and never wait for each other), and marks
each trial over in the same transaction that writes its event to the outbox. A run that dies before
its commit leaves the rows as they were (picked up by the next run, here or on another replica); a
committed one is never picked again. So each trial's end is announced exactly once.
"""

from __future__ import annotations

from petcare_kit.background import PeriodicJob
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing.adapters.unit_of_work import SqlUnitOfWork
from billing.service_layer import plans
from billing.service_layer.context import Context

BATCH = 100


async def end_trials_once(sessions: async_sessionmaker[AsyncSession]) -> int:
    """One run: end up to BATCH ended trials in one transaction. Returns how many (a full batch
    makes the job run again at once)."""
    async with UnitOfWork(sessions) as uow:
        return await plans.end_ended_trials(Context(SqlUnitOfWork(uow)), limit=BATCH)


def start(runtime: ServiceRuntime) -> PeriodicJob | None:
    """The one line bootstrap needs: run the job beside the consumers (not where they are switched
    off, as in service tests that call `end_trials_once` themselves). Returns the job, if started."""
    if not runtime.settings.run_consumers:
        return None
    interval = float(getattr(runtime.settings, "plans_job_interval_seconds", 30.0))
    job = PeriodicJob("plan-trial-ends", lambda: end_trials_once(runtime.sessions), interval_seconds=interval,
                      busy_at=BATCH)
    runtime.add_background_task(job.name, job.run_forever)
    return job
