"""In the field (R-SCHED-8): a staff member starts and completes a visit. Each use case commits once.

Notifications decides what follows: `scheduling.visit.started` may text the client (R-DELIV-8
"Event Started"); `scheduling.visit.completed` with a message for the client goes to the client's
feed and out per R-DELIV (R-EMAIL-1); without a message nothing is sent."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts.events.scheduling import VisitCompleted, VisitStarted
from petcare_kit.errors import Forbidden

from scheduling.domain.visits import Visit
from scheduling.service_layer.context import Context
from scheduling.service_layer.requests_commands import CompleteVisit
from scheduling.service_layer.requests_ports import repos
from scheduling.service_layer.summaries import company_zone, summarise


class NotYourVisit(Forbidden):
    """R-SCHED-8: staff start and complete only the visits assigned to them (managers any)."""

    code = "not_your_visit"


async def _own_visit(ctx: Context, visit_id: UUID) -> Visit:
    visit = await ctx.uow.visits.get(ctx.company_id, visit_id)
    if not ctx.is_manager and (visit.staff_id is None or visit.staff_id != ctx.person_id):
        raise NotYourVisit("This visit is not assigned to you.", details={"visit_id": str(visit_id)})
    return visit


async def start_visit(ctx: Context, visit_id: UUID) -> Visit:
    """R-SCHED-8: a scheduled visit is in progress from now; publishes `scheduling.visit.started`.
    Raises VisitNotFound (404), NotYourVisit (403), VisitStatusConflict (409: not scheduled)."""
    started = (await _own_visit(ctx, visit_id)).started(ctx.now())
    tz = await company_zone(ctx)
    await ctx.uow.visits.save(started)
    await ctx.publish(VisitStarted(visit_id=started.id, client_id=started.client_id, staff_id=started.staff_id,
                                   visit=await summarise(ctx, started, tz)))
    await ctx.commit()
    return started


async def complete_visit(ctx: Context, visit_id: UUID, command: CompleteVisit) -> Visit:
    """R-SCHED-8 / R-EMAIL-1: a scheduled or started visit is completed, with an optional message,
    photos and report card for the client; publishes `scheduling.visit.completed`. Raises
    VisitNotFound (404), NotYourVisit (403), VisitStatusConflict (409: completed or cancelled)."""
    now = ctx.now()
    completed = (await _own_visit(ctx, visit_id)).completed(now)
    tz = await company_zone(ctx)
    message = (command.message_for_client or "").strip() or None
    images = [str(url) for url in command.image_urls]
    report_card = str(command.report_card_url) if command.report_card_url else None
    await ctx.uow.visits.save(completed)
    await repos(ctx).field.save_completion(ctx.company_id, completed.id, staff_id=ctx.person_id,
                                           message_for_client=message, image_urls=images,
                                           report_card_url=report_card, completed_at=now)
    await ctx.publish(VisitCompleted(visit_id=completed.id, client_id=completed.client_id,
                                     staff_id=completed.staff_id or ctx.person_id,
                                     visit=await summarise(ctx, completed, tz), message_for_client=message,
                                     image_urls=images, report_card_url=report_card))
    await ctx.commit()
    return completed
