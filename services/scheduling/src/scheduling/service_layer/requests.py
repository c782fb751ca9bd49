"""Use cases of service requests (R-SCHED-6, R-SCHED-7): a client asks for visits from the portal;
the business decides each one; the client gets one confirmation once all are decided. Each use case
commits once. Change/cancellation requests are in requests_changes.py, cut-offs in requests_settings.py."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from petcare_contracts.events.scheduling import (
    AnsweredVisit,
    ServiceRequestAnsweredV2,
    ServiceRequestSubmitted,
    VisitSummary,
)
from petcare_kit.errors import Forbidden

from scheduling.domain.conflicts import check_no_conflicts
from scheduling.domain.cutoffs import check_cutoff
from scheduling.domain.errors import ClientNotFound
from scheduling.domain.invoice_choice import request_invoice_id
from scheduling.domain.requests import (
    Decision,
    RequestNotFound,
    ServiceRequest,
    VisitInPast,
    check_service_requestable,
    new_service_request,
)
from scheduling.domain.visits import Visit, place
from scheduling.service_layer.context import Context
from scheduling.service_layer.requests_commands import DecideRequestedVisit, RequestServices
from scheduling.service_layer.requests_ports import repos
from scheduling.service_layer.summaries import company_zone, summarise
from scheduling.service_layer.visit_invoicing import scheduled_event
from scheduling.service_layer.visits import check_client, check_client_pets, check_staff


def client_of(ctx: Context) -> UUID:
    """The calling client's id (portal routes allow the client role only)."""
    if not ctx.is_client or ctx.person_id is None:
        raise Forbidden("Only a client can do this from the portal.", code="role_not_allowed")
    return ctx.person_id


async def request_services(ctx: Context, command: RequestServices) -> ServiceRequest:
    """R-SCHED-6: the calling client asks for visits of a client-selectable service in one of its
    blocks, on future dates within the company's cut-off for new requests (R-SCHED-7), for their own
    active pets. Nothing goes on the calendar; `scheduling.service_request.submitted` lets
    notifications text the managers (R-DELIV-8). Raises ClientNotFound, ClientInactive,
    PetsNotAllowed, ServiceNotFound, ServiceNotRequestable, BlockNotFound, BlockNotAllowed,
    VisitInPast, RequestTooLate, InvalidRequest."""
    client_id, tz, now = client_of(ctx), await company_zone(ctx), ctx.now()
    await check_client(ctx, client_id)
    pet_ids = await check_client_pets(ctx, client_id, command.pet_ids)
    service = await ctx.uow.services.get(ctx.company_id, command.service_id)
    check_service_requestable(service)
    block = await ctx.uow.blocks.get(ctx.company_id, command.schedule_block_id)
    request = new_service_request(company_id=ctx.company_id, client_id=client_id, service_id=service.id,
                                  block_id=block.id, pet_ids=pet_ids, dates=command.dates,
                                  comments=command.comments, now=now)
    cutoff = (await repos(ctx).cutoffs.get(ctx.company_id)).new_requests
    for wanted in request.visits:
        service.check_block(block, wanted.visit_date)
        starts_at = place(wanted.visit_date, None, block, service.duration_minutes, tz).starts_at
        if starts_at <= now:
            raise VisitInPast("Pick dates still to come.", details={"visit_date": wanted.visit_date.isoformat()})
        check_cutoff(cutoff, now=now, visit_date=wanted.visit_date, visit_start=starts_at, zone=tz)
    await repos(ctx).service_requests.add(request)
    await ctx.publish(ServiceRequestSubmitted(request_id=request.id, client_id=client_id,
                                              visits=await requested_summaries(ctx, request)))
    await ctx.commit()
    return request


async def requested_summaries(ctx: Context, request: ServiceRequest) -> list[VisitSummary]:
    """The requested visits as emails and texts name them (the id is the requested visit's)."""
    service = await ctx.uow.services.get(request.company_id, request.service_id)
    block = await ctx.uow.blocks.get(request.company_id, request.block_id)
    pets = {pet.id: pet.name for pet in await ctx.uow.pets.many(request.company_id, list(request.pet_ids))}
    return [VisitSummary(visit_id=v.visit_id or v.id, service_name=service.name, visit_date=v.visit_date,
                         time_block=block.title, pet_names=[pets[p] for p in request.pet_ids if p in pets])
            for v in request.visits]


async def decide_requested_visit(ctx: Context, request_id: UUID, requested_visit_id: UUID,
                                 command: DecideRequestedVisit) -> ServiceRequest:
    """R-SCHED-6: a manager approves one requested visit (it is booked: `scheduling.visit.scheduled`
    v2, never a notice by itself, R-NEVER-2; R-INV-1: the request's approved visits share one new
    invoice, `domain.invoice_choice.request_invoice_id`) or rejects it. When it was the request's
    last undecided visit, the client's ONE confirmation is published
    (`scheduling.service_request.answered` v2, R-EMAIL-2) listing every visit with its decision.
    Raises RequestNotFound, RequestedVisitNotFound, RequestAlreadyDecided, and on approval what
    booking raises (ClientInactive, PetsNotAllowed, ServiceDisabled, BlockNotAllowed, StaffNotFound,
    StaffConflict unless `override_conflicts`)."""
    request = await repos(ctx).service_requests.get(ctx.company_id, request_id, for_update=True)
    wanted = request.visit(requested_visit_id)
    tz = await company_zone(ctx)
    decision = Decision(command.decision)
    visit = await _book(ctx, request, wanted.visit_date, command, tz) if decision is Decision.APPROVED else None
    request.decide(wanted.id, decision, now=ctx.now(), visit_id=visit.id if visit else None, message=command.message)
    if request.confirm(ctx.now()):
        await ctx.publish(await confirmation(ctx, request))
    await repos(ctx).service_requests.save(request)
    await ctx.commit()
    return request


async def _book(ctx: Context, request: ServiceRequest, day: date, command: DecideRequestedVisit,
                tz: ZoneInfo) -> Visit:
    """Put an approved requested visit on the calendar, checked as a scheduler's booking is, on the
    request's own new invoice (R-INV-1: the same id for each visit of the request, and on a retry)."""
    await check_client(ctx, request.client_id)
    pet_ids = await check_client_pets(ctx, request.client_id, list(request.pet_ids))
    service = await ctx.uow.services.get(ctx.company_id, request.service_id)
    service.check_bookable()
    block = await ctx.uow.blocks.get(ctx.company_id, request.block_id)
    service.check_block(block, day)
    await check_staff(ctx, command.staff_id)
    where = place(day, None, block, service.duration_minutes, tz)
    visit = Visit(uuid4(), ctx.company_id, request.client_id, pet_ids, service.id, where.visit_date, None,
                  block.id, service.duration_minutes, where.starts_at, where.ends_at, staff_id=command.staff_id)
    if visit.staff_id is not None:
        around = await ctx.uow.visits.of_staff_between(ctx.company_id, visit.staff_id, visit.starts_at, visit.ends_at)
        check_no_conflicts(visit, around, override=command.override_conflicts)
    await ctx.uow.visits.add(visit)
    await ctx.publish(scheduled_event(visit, service, await summarise(ctx, visit, tz), request_invoice_id(request.id)))
    return visit


async def confirmation(ctx: Context, request: ServiceRequest) -> ServiceRequestAnsweredV2:
    """R-EMAIL-2: every visit of the request with its decision, and the business's note."""
    summaries = await requested_summaries(ctx, request)
    return ServiceRequestAnsweredV2(
        request_id=request.id, client_id=request.client_id, decision=request.overall,
        message=request.message,
        visits=[AnsweredVisit(**s.model_dump(), decision="approved" if v.decision is Decision.APPROVED else "rejected")
                for s, v in zip(summaries, request.visits, strict=True)])


async def pending_service_requests(ctx: Context, *, limit: int, offset: int) -> list[ServiceRequest]:
    """The business's queue: requests with a visit still undecided, oldest first."""
    return await repos(ctx).service_requests.pending(ctx.company_id, limit=limit, offset=offset)


async def client_service_requests(ctx: Context, client_id: UUID, *, pending_only: bool) -> list[ServiceRequest]:
    """One client's requests, newest first (the business's view per client, or the client's own).
    Raises ClientNotFound (404) for a client not of the caller's company, as the client's visits do."""
    if not ctx.is_client and await ctx.uow.people.person(ctx.company_id, client_id) is None:
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})
    return await repos(ctx).service_requests.of_client(ctx.company_id, client_id, pending_only=pending_only)


async def get_service_request(ctx: Context, request_id: UUID) -> ServiceRequest:
    """Raises RequestNotFound; a client sees only their own (another's is not found)."""
    request = await repos(ctx).service_requests.get(ctx.company_id, request_id)
    if ctx.is_client and request.client_id != ctx.person_id:
        raise RequestNotFound("No such request.", details={"request_id": str(request_id)})
    return request
