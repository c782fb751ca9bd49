"""The periodic job that approves templates' periods automatically, N days before they start (R-SCHED-5).

Safe with several replicas and across restarts:
- a run claims due templates with `petcare_kit.background.claim_due` (SKIP LOCKED, a lease), so
  replicas share them and never wait for each other; a replica that dies holding a claim loses it
  when the lease runs out, and another takes the template over;
- each template is then approved in its own transaction, its row locked, and each period's approval
  is a row keyed (template, period start) written before the visits: a period approved already (by a
  person, another replica, or before a restart) creates nothing. Each period is approved once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from petcare_kit.background import PeriodicJob
from petcare_kit.identity import Identity, Role
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduling.adapters.templates import claim_due_templates
from scheduling.adapters.templates_unit_of_work import SqlTemplatesUnitOfWork
from scheduling.service_layer import templates
from scheduling.service_layer.context import Context

log = logging.getLogger(__name__)

BATCH = 20
APPROVE_EVERY_SECONDS = 60.0


async def approve_due_once(sessions: async_sessionmaker[AsyncSession],
                           now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> int:
    """One run: claim up to BATCH due templates and approve their due periods. Returns how many
    templates were claimed (the job runs again at once after a full batch)."""
    async with UnitOfWork(sessions) as uow:
        claimed = await claim_due_templates(uow.session, limit=BATCH)
        await uow.commit()
    for company_id, template_id in claimed:
        try:
            async with UnitOfWork(sessions) as uow:
                ctx = Context(SqlTemplatesUnitOfWork(uow), Identity(Role.INTERNAL, company_id=company_id))
                approved = await templates.approve_due(ctx, template_id, now())
                await uow.commit()
        except Exception:
            # Its claim stays until the lease runs out; then this or another replica tries again.
            # The other templates of the batch go on.
            log.exception("template %s: automatic approval failed; retried after the claim's lease", template_id)
            continue
        if approved:
            log.info("template %s: %d period(s) approved automatically", template_id, approved)
    return len(claimed)


def start(runtime: ServiceRuntime) -> PeriodicJob | None:
    """The one line bootstrap needs: run the job beside the consumers (not where they are switched
    off, as in service tests that call `approve_due_once` themselves). Returns the job, if started."""
    if not runtime.settings.run_consumers:
        return None
    interval = float(getattr(runtime.settings, "template_approval_interval_seconds", APPROVE_EVERY_SECONDS))
    job = approve_templates_job(runtime.sessions, interval)
    runtime.add_background_task(job.name, job.run_forever)
    return job


def approve_templates_job(sessions: async_sessionmaker[AsyncSession],
                          interval_seconds: float = APPROVE_EVERY_SECONDS) -> PeriodicJob:
    """Every minute (a due day starts at local midnight); a failed run is logged and retried with
    backoff by the job. Start it with `runtime.add_background_task(job.name, job.run_forever)`."""
    return PeriodicJob("template-approvals", lambda: approve_due_once(sessions), interval_seconds=interval_seconds,
                       busy_at=BATCH)
