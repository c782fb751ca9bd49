"""Visits over HTTP (R-SCHED-3, R-SCHED-4, R-SCHED-10). Managers (admins, office managers: the
schedulers) book and edit; staff read their own visits; a client reads their own through
`/clients/{client_id}/visits`, whose answers are `ClientVisitView`s (no staff-only note).

A staff conflict is 409 `staff_conflict` with `details.conflicts` naming the overlapping visits;
send `override_conflicts: true` to book anyway."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from petcare_kit.identity import MANAGERS, STAFF_ROLES, Role, allow
from petcare_kit.validation import Limit, Offset

from scheduling.domain.visits import VisitStatus
from scheduling.entrypoints.api.deps import ContextDep, InvoicesContextDep
from scheduling.entrypoints.api.schemas import Cancelled, ClientVisitPage, ClientVisitView, VisitPage, VisitView
from scheduling.service_layer import visits
from scheduling.service_layer.commands import (
    BulkCancelVisits,
    Instant,
    MoveVisit,
    ReassignVisit,
    ScheduleVisit,
    UpdateVisit,
)

router = APIRouter(tags=["visits"])
CLIENT_OR_MANAGERS = (Role.CLIENT, *MANAGERS)


@router.get("/visits", response_model=VisitPage, **allow(*STAFF_ROLES))
async def list_visits(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0, client_id: UUID | None = None,
                      staff_id: UUID | None = None, starts_from: Instant | None = None,
                      starts_before: Instant | None = None, status: VisitStatus | None = None) -> VisitPage:
    """By start. Staff get their own visits only."""
    found = await visits.list_visits(ctx, limit=limit, offset=offset, client_id=client_id, staff_id=staff_id,
                                     starts_from=starts_from, starts_before=starts_before, status=status)
    return VisitPage(items=[VisitView.of(v) for v in found], limit=limit, offset=offset)


@router.post("/visits", status_code=201, response_model=VisitView, **allow(*MANAGERS))
async def schedule_visit(body: ScheduleVisit, ctx: InvoicesContextDep) -> VisitView:
    """R-SCHED-3/R-SCHED-4. A start in a spring-forward gap moves forward by the gap (the answer
    shows the real start); a start that happens twice on a fall-back day is the first one.
    R-INV-1: `invoice_id` puts the visit on that open invoice of the client (422
    `invoice_of_another_client` when it is known to be another client's), `do_not_invoice: true` on
    none (both: 422), neither on a new invoice; billing makes the final check of a picked invoice
    (one void, paid or unknown to it sends the visit to a new invoice)."""
    return VisitView.of(await visits.schedule_visit(ctx, body))


@router.post("/visits/bulk-cancel", response_model=Cancelled, **allow(*MANAGERS))
async def bulk_cancel_visits(body: BulkCancelVisits, ctx: ContextDep) -> Cancelled:
    """All or none: 404 names unknown ids, 409 the visits that are not scheduled."""
    return Cancelled(items=[VisitView.of(v) for v in await visits.bulk_cancel_visits(ctx, body)])


@router.get("/visits/{visit_id}", response_model=VisitView, **allow(*STAFF_ROLES))
async def get_visit(visit_id: UUID, ctx: ContextDep) -> VisitView:
    return VisitView.of(await visits.get_visit(ctx, visit_id))


@router.patch("/visits/{visit_id}", response_model=VisitView, **allow(*MANAGERS))
async def update_visit(visit_id: UUID, body: UpdateVisit, ctx: ContextDep) -> VisitView:
    """Pets, service, duration (scheduled visits) or the staff note."""
    return VisitView.of(await visits.update_visit(ctx, visit_id, body))


@router.post("/visits/{visit_id}/move", response_model=VisitView, **allow(*MANAGERS))
async def move_visit(visit_id: UUID, body: MoveVisit, ctx: ContextDep) -> VisitView:
    return VisitView.of(await visits.move_visit(ctx, visit_id, body))


@router.post("/visits/{visit_id}/reassign", response_model=VisitView, **allow(*MANAGERS))
async def reassign_visit(visit_id: UUID, body: ReassignVisit, ctx: ContextDep) -> VisitView:
    return VisitView.of(await visits.reassign_visit(ctx, visit_id, body))


@router.post("/visits/{visit_id}/cancel", response_model=VisitView, **allow(*MANAGERS))
async def cancel_visit(visit_id: UUID, ctx: ContextDep) -> VisitView:
    return VisitView.of(await visits.cancel_visit(ctx, visit_id))


@router.delete("/visits/{visit_id}", status_code=204, response_model=None, **allow(*MANAGERS))
async def delete_visit(visit_id: UUID, ctx: ContextDep) -> None:
    await visits.delete_visit(ctx, visit_id)


@router.get("/clients/{client_id}/visits", response_model=ClientVisitPage, **allow(*CLIENT_OR_MANAGERS))
async def client_visits(client_id: UUID, ctx: ContextDep, limit: Limit = 50, offset: Offset = 0,
                        starts_from: Instant | None = None, starts_before: Instant | None = None
                        ) -> ClientVisitPage:
    """A client's visits, as the client sees them (R-SCHED-3: never the staff note)."""
    found = await visits.client_visits(ctx, client_id, limit=limit, offset=offset, starts_from=starts_from,
                                       starts_before=starts_before)
    return ClientVisitPage(items=[ClientVisitView.of(v) for v in found], limit=limit, offset=offset)


@router.get("/clients/{client_id}/visits/{visit_id}", response_model=ClientVisitView, **allow(*CLIENT_OR_MANAGERS))
async def client_visit(client_id: UUID, visit_id: UUID, ctx: ContextDep) -> ClientVisitView:
    visit = await visits.client_visit(ctx, client_id, visit_id)
    return ClientVisitView.of(visit)
