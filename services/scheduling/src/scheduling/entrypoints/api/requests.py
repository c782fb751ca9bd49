"""Client requests over HTTP: the portal's routes (a client token through the gateway: the client
acts for themselves only) and the business's queue, decisions and cut-offs (managers). Thin: build
the command, call the use case, return a view; errors become the one error shape."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.identity import MANAGERS, IdentityDep, Role, allow
from petcare_kit.validation import Limit, Offset
from pydantic import BaseModel

from scheduling.adapters.requests_unit_of_work import SqlRequestsUnitOfWork
from scheduling.domain.cutoffs import Cutoff, CutoffSettings
from scheduling.domain.requests import ChangeRequest, ServiceRequest
from scheduling.entrypoints.api.schemas import ClientVisitView
from scheduling.service_layer import requests, requests_changes, requests_settings
from scheduling.service_layer.context import Context
from scheduling.service_layer.requests_commands import (
    CutoffBody,
    DecideChangeRequest,
    DecideRequestedVisit,
    RequestCancellation,
    RequestChange,
    RequestServices,
    SetCutoffs,
)


async def _context(uow: UnitOfWorkDep, identity: IdentityDep) -> AsyncIterator[Context]:
    yield Context(SqlRequestsUnitOfWork(uow), identity)


RequestsContextDep = Annotated[Context, Depends(_context)]
"""A context whose unit of work has the request, cut-off and field repositories too."""

router = APIRouter(tags=["client requests"])
CLIENT = Role.CLIENT


# ---- views -----------------------------------------------------------------------------------

class RequestedVisitView(BaseModel):
    id: UUID
    visit_date: date
    decision: str
    """pending, approved or rejected."""
    visit_id: UUID | None
    """The calendar visit, once approved."""


class ServiceRequestView(BaseModel):
    id: UUID
    client_id: UUID
    service_id: UUID
    schedule_block_id: UUID
    pet_ids: list[UUID]
    comments: str | None
    status: str
    """pending (a visit still waits for a decision) or processed."""
    visits: list[RequestedVisitView]
    submitted_at: datetime
    confirmed_at: datetime | None
    message: str | None

    @classmethod
    def of(cls, r: ServiceRequest) -> ServiceRequestView:
        return cls(id=r.id, client_id=r.client_id, service_id=r.service_id, schedule_block_id=r.block_id,
                   pet_ids=list(r.pet_ids), comments=r.comments, status=r.status, submitted_at=r.submitted_at,
                   confirmed_at=r.confirmed_at, message=r.message,
                   visits=[RequestedVisitView(id=v.id, visit_date=v.visit_date, decision=v.decision.value,
                                              visit_id=v.visit_id) for v in r.visits])


class ChangeView(BaseModel):
    new_date: date | None = None
    new_start_time: time | None = None
    new_schedule_block_id: UUID | None = None
    new_service_id: UUID | None = None
    new_pet_ids: list[UUID] | None = None
    notes: str | None = None


class ChangeRequestView(BaseModel):
    id: UUID
    client_id: UUID
    kind: str
    """change or cancellation."""
    visit_ids: list[UUID]
    change: ChangeView | None
    reason: str | None
    decision: str
    """pending, approved or denied."""
    auto_approved: bool
    submitted_at: datetime
    decided_at: datetime | None
    message: str | None

    @classmethod
    def of(cls, r: ChangeRequest) -> ChangeRequestView:
        c = r.change
        change = None if c is None else ChangeView(
            new_date=c.new_date, new_start_time=c.new_start_time, new_schedule_block_id=c.new_block_id,
            new_service_id=c.new_service_id, new_pet_ids=list(c.new_pet_ids) if c.new_pet_ids is not None else None,
            notes=c.notes)
        return cls(id=r.id, client_id=r.client_id, kind=r.kind.value, visit_ids=list(r.visit_ids), change=change,
                   reason=r.reason, decision=r.decision.value, auto_approved=r.auto_approved,
                   submitted_at=r.submitted_at, decided_at=r.decided_at, message=r.message)


class ClientRequests(BaseModel):
    """A client's requests (R-REQ-4: the pending ones until approved or denied)."""

    service_requests: list[ServiceRequestView]
    change_requests: list[ChangeRequestView]


class PendingBanner(BaseModel):
    request_id: UUID
    kind: str


class ScheduledVisitView(ClientVisitView):
    """R-REQ-4: a visit on the client's schedule with the banner of its pending request, if any."""

    pending_request: PendingBanner | None


class ScheduleView(ClientRequests):
    visits: list[ScheduledVisitView]


class CutoffsView(BaseModel):
    new_requests: CutoffBody
    change_requests: CutoffBody

    @classmethod
    def of(cls, s: CutoffSettings) -> CutoffsView:
        def body(c: Cutoff) -> CutoffBody:
            return CutoffBody(kind=c.kind, at=c.at, hours=c.hours, message=c.message)
        return cls(new_requests=body(s.new_requests), change_requests=body(s.change_requests))


def _requests(service: list[ServiceRequest], change: list[ChangeRequest]) -> ClientRequests:
    return ClientRequests(service_requests=[ServiceRequestView.of(r) for r in service],
                          change_requests=[ChangeRequestView.of(r) for r in change])


# ---- the portal (the calling client, R-SCHED-6, R-REQ-1..7) ----------------------------------

@router.post("/portal/service-requests", status_code=201, response_model=ServiceRequestView, **allow(CLIENT))
async def request_services(body: RequestServices, ctx: RequestsContextDep) -> ServiceRequestView:
    """R-SCHED-6: ask for visits; 422 `request_too_late` past the cut-off (R-SCHED-7), `visit_in_past`."""
    return ServiceRequestView.of(await requests.request_services(ctx, body))


@router.post("/portal/change-requests", status_code=201, response_model=ChangeRequestView, **allow(CLIENT))
async def request_change(body: RequestChange, ctx: RequestsContextDep) -> ChangeRequestView:
    """R-REQ-3: ask to change one of your visits (always reviewed)."""
    return ChangeRequestView.of(await requests_changes.request_change(ctx, body))


@router.post("/portal/cancellation-requests", status_code=201, response_model=ChangeRequestView, **allow(CLIENT))
async def request_cancellation(body: RequestCancellation, ctx: RequestsContextDep) -> ChangeRequestView:
    """R-REQ-2, R-REQ-5: cancel one or more of your visits; `decision` is approved at once when the
    business auto-approves cancellations."""
    return ChangeRequestView.of(await requests_changes.request_cancellation(ctx, body))


@router.get("/portal/requests", response_model=ClientRequests, **allow(CLIENT))
async def my_requests(ctx: RequestsContextDep, pending_only: bool = True) -> ClientRequests:
    client_id = requests.client_of(ctx)
    return _requests(await requests.client_service_requests(ctx, client_id, pending_only=pending_only),
                     await requests_changes.client_change_requests(ctx, client_id, pending_only=pending_only))


@router.get("/portal/schedule", response_model=ScheduleView, **allow(CLIENT))
async def my_schedule(ctx: RequestsContextDep, limit: Limit = 50, offset: Offset = 0) -> ScheduleView:
    """R-REQ-4: pending requests at the top, then upcoming visits, each with its pending banner."""
    found = await requests_settings.client_schedule(ctx, limit=limit, offset=offset)
    return ScheduleView(
        **_requests(found.service_requests, found.change_requests).model_dump(),
        visits=[ScheduledVisitView.model_validate({
            **ScheduledVisitView.fields_of(visit),
            "pending_request": PendingBanner(request_id=held.id, kind=held.kind.value) if held else None})
            for visit, held in found.visits])


@router.get("/portal/service-requests/{request_id}", response_model=ServiceRequestView, **allow(CLIENT))
async def my_service_request(request_id: UUID, ctx: RequestsContextDep) -> ServiceRequestView:
    return ServiceRequestView.of(await requests.get_service_request(ctx, request_id))


@router.get("/portal/change-requests/{request_id}", response_model=ChangeRequestView, **allow(CLIENT))
async def my_change_request(request_id: UUID, ctx: RequestsContextDep) -> ChangeRequestView:
    return ChangeRequestView.of(await requests_changes.get_change_request(ctx, request_id))


# ---- the business (managers) -----------------------------------------------------------------

@router.get("/service-requests/pending", response_model=list[ServiceRequestView], **allow(*MANAGERS))
async def pending_service_requests(ctx: RequestsContextDep, limit: Limit = 50, offset: Offset = 0
                                   ) -> list[ServiceRequestView]:
    """The queue: requests with a visit still undecided, oldest first."""
    return [ServiceRequestView.of(r) for r in await requests.pending_service_requests(ctx, limit=limit, offset=offset)]


@router.get("/service-requests/{request_id}", response_model=ServiceRequestView, **allow(*MANAGERS))
async def service_request(request_id: UUID, ctx: RequestsContextDep) -> ServiceRequestView:
    return ServiceRequestView.of(await requests.get_service_request(ctx, request_id))


@router.post("/service-requests/{request_id}/visits/{requested_visit_id}/decision",
             response_model=ServiceRequestView, **allow(*MANAGERS))
async def decide_requested_visit(request_id: UUID, requested_visit_id: UUID, body: DecideRequestedVisit,
                                 ctx: RequestsContextDep) -> ServiceRequestView:
    """R-SCHED-6: approve (booked) or reject one visit; the client's one confirmation goes once every
    visit of the request is decided. 409 `request_already_decided`."""
    return ServiceRequestView.of(await requests.decide_requested_visit(ctx, request_id, requested_visit_id, body))


@router.get("/change-requests/pending", response_model=list[ChangeRequestView], **allow(*MANAGERS))
async def pending_change_requests(ctx: RequestsContextDep, limit: Limit = 50, offset: Offset = 0
                                  ) -> list[ChangeRequestView]:
    return [ChangeRequestView.of(r) for r in await requests_changes.pending_change_requests(ctx, limit=limit,
                                                                                            offset=offset)]


@router.get("/change-requests/{request_id}", response_model=ChangeRequestView, **allow(*MANAGERS))
async def change_request(request_id: UUID, ctx: RequestsContextDep) -> ChangeRequestView:
    return ChangeRequestView.of(await requests_changes.get_change_request(ctx, request_id))


@router.post("/change-requests/{request_id}/decision", response_model=ChangeRequestView, **allow(*MANAGERS))
async def decide_change_request(request_id: UUID, body: DecideChangeRequest, ctx: RequestsContextDep
                                ) -> ChangeRequestView:
    """R-REQ-6: approve (applied to the visits) or deny (left as they were); the client is confirmed."""
    return ChangeRequestView.of(await requests_changes.decide_change_request(ctx, request_id, body))


@router.get("/clients/{client_id}/requests", response_model=ClientRequests, **allow(*MANAGERS))
async def client_requests(client_id: UUID, ctx: RequestsContextDep, pending_only: bool = True) -> ClientRequests:
    """R-REQ-4: the client's pending requests (all of them with `pending_only=false`)."""
    return _requests(await requests.client_service_requests(ctx, client_id, pending_only=pending_only),
                     await requests_changes.client_change_requests(ctx, client_id, pending_only=pending_only))


@router.get("/settings/request-cutoffs", response_model=CutoffsView, **allow(*MANAGERS))
async def get_cutoffs(ctx: RequestsContextDep) -> CutoffsView:
    return CutoffsView.of(await requests_settings.get_cutoffs(ctx))


@router.put("/settings/request-cutoffs", response_model=CutoffsView, **allow(*MANAGERS))
async def set_cutoffs(body: SetCutoffs, ctx: RequestsContextDep) -> CutoffsView:
    """R-SCHED-7: the cut-offs for new requests and for change/cancellation requests."""
    return CutoffsView.of(await requests_settings.set_cutoffs(ctx, body))
