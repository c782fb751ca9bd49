"""In the field over HTTP (R-SCHED-8): staff start and complete their own visits (managers any)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from petcare_kit.identity import STAFF_ROLES, allow

from scheduling.entrypoints.api.requests import RequestsContextDep
from scheduling.entrypoints.api.schemas import VisitView
from scheduling.service_layer import field
from scheduling.service_layer.requests_commands import CompleteVisit

router = APIRouter(tags=["in the field"])


@router.post("/visits/{visit_id}/start", response_model=VisitView, **allow(*STAFF_ROLES))
async def start_visit(visit_id: UUID, ctx: RequestsContextDep) -> VisitView:
    """403 `not_your_visit` for another staff member's visit; 409 `visit_status_conflict` unless scheduled."""
    return VisitView.of(await field.start_visit(ctx, visit_id))


@router.post("/visits/{visit_id}/complete", response_model=VisitView, **allow(*STAFF_ROLES))
async def complete_visit(visit_id: UUID, body: CompleteVisit, ctx: RequestsContextDep) -> VisitView:
    """R-SCHED-8: with an optional message, photos and report card URL for the client (R-EMAIL-1)."""
    return VisitView.of(await field.complete_visit(ctx, visit_id, body))
