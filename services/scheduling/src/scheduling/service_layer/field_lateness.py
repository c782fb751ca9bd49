"""R-SCHED-9: report each late visit exactly once, whatever the number of replicas or restarts.

A periodic job (entrypoints: `late_job`) runs `report_late_visits` in one transaction: for each
late candidate it records the visit's one late report (a row keyed by the visit: a second replica's
insert waits for the first's commit and then does nothing) and, only when this run recorded it,
queues `scheduling.visit.staff_late` in the outbox of the same transaction. Crash before the
commit: neither happened, the next run does both. After it: both happened, no run does it again."""

from __future__ import annotations

from uuid import UUID
from zoneinfo import ZoneInfo

from petcare_contracts.events.scheduling import StaffLate
from petcare_kit.identity import Identity, Role

from scheduling.domain.errors import CompanyNotKnownYet
from scheduling.domain.lateness import is_late, minutes_late
from scheduling.service_layer.context import Context
from scheduling.service_layer.requests_ports import repos
from scheduling.service_layer.summaries import company_zone, summarise

BATCH = 100


async def report_late_visits(ctx: Context, *, limit: int = BATCH) -> int:
    """Report every visit late now (all companies), each once. Publishes `scheduling.visit.staff_late`
    (notifications texts the staff member and the managers, R-DELIV-8). Returns how many were
    reported by this run; commits once."""
    now = ctx.now()
    reported = 0
    for company_id, candidate in await repos(ctx).field.late_candidates(now, limit=limit):
        if not is_late(candidate, now) or candidate.staff_id is None:
            continue
        late_by = minutes_late(candidate.starts_at, now)
        if not await repos(ctx).field.record_late(company_id, candidate.visit_id, candidate.staff_id, late_by):
            continue
        await _publish(Context(ctx.uow, Identity(Role.INTERNAL, company_id=company_id)), candidate.visit_id, late_by)
        reported += 1
    await ctx.commit()
    return reported


async def _publish(ctx: Context, visit_id: UUID, late_by: int) -> None:
    visit = await ctx.uow.visits.get(ctx.company_id, visit_id)
    assert visit.staff_id is not None
    try:
        tz = await company_zone(ctx)
    except CompanyNotKnownYet:  # a visit exists, so the company does; say it in UTC rather than never
        tz = ZoneInfo("UTC")
    await ctx.publish(StaffLate(visit_id=visit.id, client_id=visit.client_id, staff_id=visit.staff_id,
                                visit=await summarise(ctx, visit, tz), minutes_late=late_by))
