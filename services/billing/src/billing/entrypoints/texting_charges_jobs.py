"""Background work of texting charges: billing closes finished local months by itself when texting's
`texting.usage.month_closed` has not closed them `GRACE` after the month's local end (R-BILL-4 "billed
at the end of each month").

Why billing does not only wait for texting: texting may be down at the month's end, and it never
closes a month without texts, while a held number still costs $10 that month (R-BILL-1) and its
allowance still rolls over (R-BILL-3). Why the grace: texting's own job runs hourly, so its close
normally comes first; a text whose usage reaches billing after its month was closed counts in the
next open period (docs/billing.md, "Texting charges").

Safe with several replicas and across restarts: each company is closed in its own transaction, each
period row locked while it is closed, and a closed period is never closed again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from petcare_kit.background import PeriodicJob
from petcare_kit.identity import Identity, Role
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing.adapters.unit_of_work import SqlUnitOfWork
from billing.service_layer import texting_charges
from billing.service_layer.context import Context
from billing.service_layer.texting_charges_commands import CloseDuePeriods
from billing.service_layer.texting_charges_ports import CompanyNotKnownYet

log = logging.getLogger(__name__)

GRACE = timedelta(hours=24)
"""How long after a local month's end billing waits for texting's close before closing it itself."""
CLOSE_EVERY_SECONDS = 3600.0


async def close_due_once(sessions: async_sessionmaker[AsyncSession],
                         now: Callable[[], datetime] = lambda: datetime.now(UTC), grace: timedelta = GRACE) -> int:
    """One run: every candidate company's finished months due (`grace` past their local end) are
    closed, one transaction per company. Returns how many periods were closed."""
    at = now()
    async with UnitOfWork(sessions) as uow:
        companies = await texting_charges.companies_to_close(Context(SqlUnitOfWork(uow)), at)
    closed = 0
    for company_id in companies:
        try:
            async with UnitOfWork(sessions) as uow:
                ctx = Context(SqlUnitOfWork(uow), Identity(Role.INTERNAL, company_id=company_id))
                closed += len(await texting_charges.close_due_periods(ctx, company_id,
                                                                      CloseDuePeriods(now=at, grace=grace)))
        except CompanyNotKnownYet:
            continue  # no clients.events for it yet: its months wait for its zone
        except Exception:
            # The other companies go on; this one is tried again on the next run.
            log.exception("company %s: closing its texting periods failed; retried on the next run", company_id)
    if closed:
        log.info("%d texting period(s) closed by billing (texting's close had not come)", closed)
    return closed


def start(runtime: ServiceRuntime) -> PeriodicJob | None:
    """The one line bootstrap needs: run the job beside the consumers (not where they are switched
    off, as in service tests that call `close_due_once` themselves). Returns the job, if started."""
    if not runtime.settings.run_consumers:
        return None
    job = PeriodicJob("texting-periods", lambda: close_due_once(runtime.sessions), interval_seconds=CLOSE_EVERY_SECONDS)
    runtime.add_background_task(job.name, job.run_forever)
    return job
