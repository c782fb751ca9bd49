"""Use cases of change and cancellation requests (R-REQ-1..7, R-SCHED-7). Each commits once.

Notifications turns `scheduling.change_request.submitted` into the managers' texts (R-DELIV-8) and
`scheduling.change_request.answered` into the client's one confirmation email (R-EMAIL-2)."""

from __future__ import annotations

from uuid import UUID
from zoneinfo import ZoneInfo

from petcare_contracts.events.scheduling import (
    ChangeRequestAnswered,
    ChangeRequestSubmitted,
    RequestedChange,
    VisitMoved,
)

from scheduling.domain.conflicts import check_no_conflicts
from scheduling.domain.cutoffs import check_cutoff
from scheduling.domain.requests import (
    ChangeRequest,
    Decision,
    RequestKind,
    RequestNotFound,
    VisitChange,
    VisitInPast,
    check_portal_mode,
    check_service_requestable,
    check_visit_requestable,
    new_change_request,
)
from scheduling.domain.visits import Visit, place
from scheduling.service_layer.context import Context
from scheduling.service_layer.requests import client_of
from scheduling.service_layer.requests_commands import DecideChangeRequest, RequestCancellation, RequestChange
from scheduling.service_layer.requests_ports import repos
from scheduling.service_layer.summaries import company_zone, summarise
from scheduling.service_layer.visits import check_client, check_client_pets


async def _open(ctx: Context) -> tuple[UUID, bool | None]:
    """R-REQ-1: the portal mode allows requests against visits; the caller is an active client.
    Returns (client id, the company's cancellations-auto-approve setting)."""
    company = await ctx.uow.people.company(ctx.company_id)
    check_portal_mode(company.portal_request_mode if company else None)
    client_id = client_of(ctx)
    await check_client(ctx, client_id)
    return client_id, company.cancellations_auto_approve if company else None


async def _requestable(ctx: Context, client_id: UUID, visit_ids: list[UUID], tz: ZoneInfo) -> list[Visit]:
    """R-REQ-7 and R-SCHED-7 for each visit: the client's own, future, scheduled, nothing pending
    on it, within the change/cancellation cut-off."""
    cutoff, now = (await repos(ctx).cutoffs.get(ctx.company_id)).change_requests, ctx.now()
    pending = await repos(ctx).change_requests.pending_on(ctx.company_id, visit_ids)
    visits = []
    for visit_id in visit_ids:
        visit = await ctx.uow.visits.get(ctx.company_id, visit_id)
        held = pending.get(visit_id)
        check_visit_requestable(visit, client_id=client_id, now=now, pending_request_id=held.id if held else None)
        check_cutoff(cutoff, now=now, visit_date=visit.visit_date, visit_start=visit.starts_at, zone=tz)
        visits.append(visit)
    return visits


async def request_change(ctx: Context, command: RequestChange) -> ChangeRequest:
    """R-REQ-3: the client asks to change one of their visits (date, time or block, service, pets,
    notes); always reviewed. The new placement must be in the future and within the cut-off too.
    Raises RequestsAgainstVisitsOff (403), VisitNotFound (404), VisitNotRequestable, RequestAlreadyPending
    (409), VisitInPast, RequestTooLate, InvalidRequest, PetsNotAllowed, ServiceNotRequestable,
    BlockNotAllowed (422)."""
    client_id, _ = await _open(ctx)
    tz = await company_zone(ctx)
    change = command.change()
    [visit] = await _requestable(ctx, client_id, [command.visit_id], tz)
    changed = await _apply(ctx, visit, change, tz, check_new_time=True)
    request = new_change_request(company_id=ctx.company_id, client_id=client_id, kind=RequestKind.CHANGE,
                                 visit_ids=[visit.id], change=change, reason=None, now=ctx.now(),
                                 cancellations_auto_approve=False)
    await repos(ctx).change_requests.add(request)
    await ctx.publish(ChangeRequestSubmitted(
        request_id=request.id, client_id=client_id, kind="change", visits=[await summarise(ctx, visit, tz)],
        change=await _requested(ctx, visit, changed, change, tz)))
    await ctx.commit()
    return request


async def request_cancellation(ctx: Context, command: RequestCancellation) -> ChangeRequest:
    """R-REQ-2, R-REQ-5: the client asks to cancel one or more of their visits, with an optional
    reason. When the company's cancellations auto-approve, they are cancelled at once and the client's
    confirmation is published with the request. Raises as `request_change` does."""
    client_id, auto = await _open(ctx)
    tz = await company_zone(ctx)
    visits = await _requestable(ctx, client_id, list(command.visit_ids), tz)
    request = new_change_request(company_id=ctx.company_id, client_id=client_id, kind=RequestKind.CANCELLATION,
                                 visit_ids=[v.id for v in visits], change=None, reason=command.reason,
                                 now=ctx.now(), cancellations_auto_approve=auto)
    await repos(ctx).change_requests.add(request)
    await ctx.publish(ChangeRequestSubmitted(
        request_id=request.id, client_id=client_id, kind="cancellation", reason=request.reason,
        visits=[await summarise(ctx, v, tz) for v in visits]))
    if request.auto_approved:
        await _carry_out(ctx, request, tz, override_conflicts=False)
    await ctx.commit()
    return request


async def decide_change_request(ctx: Context, request_id: UUID, command: DecideChangeRequest) -> ChangeRequest:
    """R-REQ-6: approving applies the change (or cancels the visits); denying leaves them as they
    were; either way the client's confirmation is published. Raises RequestNotFound (404),
    RequestAlreadyDecided (409), VisitStatusConflict (409: a visit moved on meanwhile, e.g. completed:
    deny instead), StaffConflict (409 unless `override_conflicts`)."""
    request = await repos(ctx).change_requests.get(ctx.company_id, request_id, for_update=True)
    request.decide(Decision(command.decision), now=ctx.now(), message=command.message)
    tz = await company_zone(ctx)
    await _carry_out(ctx, request, tz, override_conflicts=command.override_conflicts)
    await ctx.commit()
    return request


async def _carry_out(ctx: Context, request: ChangeRequest, tz: ZoneInfo, *, override_conflicts: bool) -> None:
    """Apply a decided request to its visits (approved), record it and publish the confirmation."""
    visits = await ctx.uow.visits.many(ctx.company_id, list(request.visit_ids))
    if request.decision is Decision.APPROVED:
        visits = [await _approve(ctx, request, v, tz, override_conflicts) for v in visits]
    await repos(ctx).change_requests.save(request)
    await ctx.publish(ChangeRequestAnswered(
        request_id=request.id, client_id=request.client_id, kind=request.kind.value,
        decision="approved" if request.decision is Decision.APPROVED else "denied", auto_approved=request.auto_approved,
        visits=[await summarise(ctx, v, tz) for v in visits], message=request.message))


async def _approve(ctx: Context, request: ChangeRequest, visit: Visit, tz: ZoneInfo, override: bool) -> Visit:
    if request.kind is RequestKind.CANCELLATION:
        done = visit.cancelled()
    else:
        assert request.change is not None
        done = await _apply(ctx, visit, request.change, tz, check_new_time=False)
        if done.staff_id is not None:
            around = await ctx.uow.visits.of_staff_between(ctx.company_id, done.staff_id, done.starts_at, done.ends_at)
            check_no_conflicts(done, around, override=override)
    await ctx.uow.visits.save(done)
    if (done.starts_at, done.block_id) != (visit.starts_at, visit.block_id):
        await ctx.publish(VisitMoved(visit_id=done.id, client_id=done.client_id, visit=await summarise(ctx, done, tz)))
    return done


async def _apply(ctx: Context, visit: Visit, change: VisitChange, tz: ZoneInfo, *, check_new_time: bool) -> Visit:
    """The visit as the change would make it (not saved). `check_new_time`: the new placement must be
    in the future and within the cut-off (when the client asks; the business may approve later)."""
    service = await ctx.uow.services.get(ctx.company_id, change.new_service_id or visit.service_id)
    if change.new_service_id not in (None, visit.service_id):
        check_service_requestable(service)
    day = change.new_date or visit.visit_date
    block_id = change.new_block_id or (visit.block_id if change.new_start_time is None else None)
    start = change.new_start_time or (visit.start_time if block_id is None else None)
    block = await ctx.uow.blocks.get(ctx.company_id, block_id) if block_id else None
    if block is not None:
        service.check_block(block, day)
    duration = service.duration_minutes if change.new_service_id else visit.duration_minutes
    done = visit.moved(place(day, start, block, duration, tz), duration)
    if change.new_pet_ids is not None:
        done = done.changed(pet_ids=await check_client_pets(ctx, visit.client_id, list(change.new_pet_ids)))
    if change.new_service_id:
        done = done.changed(service_id=service.id)
    if change.notes:
        note = f"Client's note: {change.notes}"
        done = done.changed(staff_note=f"{done.staff_note}\n{note}" if done.staff_note else note)
    if check_new_time and (done.starts_at, done.block_id) != (visit.starts_at, visit.block_id):
        if done.starts_at <= ctx.now():
            raise VisitInPast("The new time has already passed.")
        cutoff = (await repos(ctx).cutoffs.get(ctx.company_id)).change_requests
        check_cutoff(cutoff, now=ctx.now(), visit_date=done.visit_date, visit_start=done.starts_at, zone=tz)
    return done


async def _requested(ctx: Context, before: Visit, after: Visit, change: VisitChange, tz: ZoneInfo) -> RequestedChange:
    """What the managers' text and the request say was asked, by name."""
    summary = await summarise(ctx, after, tz)
    return RequestedChange(
        new_date=change.new_date, new_start_time=change.new_start_time,
        new_time_block=summary.time_block if change.new_block_id else None,
        new_service_name=summary.service_name if change.new_service_id else None,
        new_pet_names=summary.pet_names if change.new_pet_ids is not None else None, notes=change.notes)


async def pending_change_requests(ctx: Context, *, limit: int, offset: int) -> list[ChangeRequest]:
    return await repos(ctx).change_requests.pending(ctx.company_id, limit=limit, offset=offset)


async def client_change_requests(ctx: Context, client_id: UUID, *, pending_only: bool) -> list[ChangeRequest]:
    return await repos(ctx).change_requests.of_client(ctx.company_id, client_id, pending_only=pending_only)


async def get_change_request(ctx: Context, request_id: UUID) -> ChangeRequest:
    """Raises RequestNotFound; a client sees only their own."""
    request = await repos(ctx).change_requests.get(ctx.company_id, request_id)
    if ctx.is_client and request.client_id != ctx.person_id:
        raise RequestNotFound("No such request.", details={"request_id": str(request_id)})
    return request
