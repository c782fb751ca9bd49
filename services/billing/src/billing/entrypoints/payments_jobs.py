"""Background work of payments (R-PAY-3): finishing payment attempts and refunds that a crash or a
lost answer left open, by asking Stripe (payments_recovery.py), never by charging again.

Safe with several replicas and across restarts: a run claims due rows with
`petcare_kit.background.claim_due` (SKIP LOCKED, a lease: replicas share them and never wait for
each other; a dead replica's claim runs out), and each step of the recovery locks the row and only
moves it forward, so an outcome is recorded once even if two replicas ever handle the same row.
"""

from __future__ import annotations

import logging

from petcare_kit.background import PeriodicJob
from petcare_kit.identity import Identity, Role
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing.adapters.payments import claim_open_attempts, claim_pending_refunds
from billing.adapters.payments_units import card_processor, units_for
from billing.config import BillingSettings
from billing.service_layer import payments_recovery
from billing.service_layer.payments_ports import CardProcessor

log = logging.getLogger(__name__)

BATCH = 20


async def recover_once(sessions: async_sessionmaker[AsyncSession], processor: CardProcessor, *,
                       lease_seconds: float) -> int:
    """One run: claim up to BATCH open attempts and BATCH pending refunds whose time has come and
    finish each. Returns how many were claimed. A failure (Stripe unreachable) leaves the row to be
    tried again when its lease ends."""
    async with UnitOfWork(sessions) as uow:
        attempts = await claim_open_attempts(uow.session, lease_seconds=lease_seconds, limit=BATCH)
        refunds = await claim_pending_refunds(uow.session, lease_seconds=lease_seconds, limit=BATCH)
        await uow.commit()
    for company_id, payment_id in attempts:
        units = units_for(sessions, Identity(Role.INTERNAL, company_id=company_id))
        try:
            recovered = await payments_recovery.recover_attempt(units, processor, payment_id)
            log.info("payment %s recovered: %s", payment_id, recovered.status.value)
        except Exception:
            log.exception("payment %s: recovery failed; tried again after the lease", payment_id)
    for company_id, refund_id in refunds:
        units = units_for(sessions, Identity(Role.INTERNAL, company_id=company_id))
        try:
            await payments_recovery.recover_refund(units, processor, refund_id)
        except Exception:
            log.exception("refund %s: recovery failed; tried again after the lease", refund_id)
    return len(attempts) + len(refunds)


def recovery_job(sessions: async_sessionmaker[AsyncSession], processor: CardProcessor,
                 settings: BillingSettings) -> PeriodicJob:
    """Every `payments_job_interval_seconds`; a claimed row is leased for `payment_recover_after_seconds`."""
    return PeriodicJob("payment-recovery",
                       lambda: recover_once(sessions, processor, lease_seconds=settings.payment_recover_after_seconds),
                       interval_seconds=settings.payments_job_interval_seconds, busy_at=BATCH)


def start(runtime: ServiceRuntime) -> PeriodicJob | None:
    """The one line bootstrap needs: run the jobs beside the consumers (not where they are switched
    off, as in service tests that run one pass themselves). Returns the job, if started."""
    if not runtime.settings.run_consumers:
        return None
    settings = runtime.settings
    assert isinstance(settings, BillingSettings)
    job = recovery_job(runtime.sessions, card_processor(settings), settings)
    runtime.add_background_task(job.name, job.run_forever)
    return job
