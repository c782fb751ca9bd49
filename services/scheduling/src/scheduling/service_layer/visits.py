"""Use cases of visits (R-SCHED-3, R-SCHED-4, R-SCHED-10): schedule, move, reassign, change, cancel,
delete, bulk-cancel, and the reads. Each commits once and publishes the scheduler-edit events of
contracts (`scheduling.visit.scheduled` v2 with the price and the invoice choice for billing,
R-INV-1; `.moved`, `.reassigned`, `.cancelled_by_staff`, `.deleted`): facts that notifications never
turns into anything for the client (R-NEVER-2)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

from petcare_contracts.events.scheduling import (
    VisitCancelledByStaff,
    VisitDeleted,
    VisitMoved,
    VisitReassigned,
    VisitUpdated,
)

from scheduling.domain.catalogue import ScheduleBlock, Service
from scheduling.domain.conflicts import check_no_conflicts
from scheduling.domain.errors import (
    ClientInactive,
    ClientNotFound,
    StaffInactive,
    StaffNotFound,
    VisitNotFound,
    VisitStatusConflict,
)
from scheduling.domain.visits import Visit, VisitStatus, check_pets, place
from scheduling.service_layer.commands import BulkCancelVisits, MoveVisit, ReassignVisit, ScheduleVisit, UpdateVisit
from scheduling.service_layer.context import Context
from scheduling.service_layer.summaries import company_zone, summarise
from scheduling.service_layer.visit_invoicing import invoice_of_booking, scheduled_event


async def check_client(ctx: Context, client_id: UUID) -> None:
    """The client is the company's and active (R-SCHED-3; an inactive client cannot be scheduled).
    Raises ClientNotFound (404), ClientInactive (409)."""
    client = await ctx.uow.people.person(ctx.company_id, client_id)
    if client is None or client.kind != "client":
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})
    if not client.active:
        raise ClientInactive(f"{client.name} is inactive: reactivate them to schedule visits.",
                             details={"client_id": str(client_id)})


async def check_staff(ctx: Context, staff_id: UUID | None) -> None:
    """Raises StaffNotFound (404) for someone not on the company's staff, StaffInactive (409)."""
    if staff_id is None:
        return
    staff = await ctx.uow.people.person(ctx.company_id, staff_id)
    if staff is None or staff.kind != "staff":
        raise StaffNotFound("No such staff member in your company.", details={"staff_id": str(staff_id)})
    if not staff.active:
        raise StaffInactive(f"{staff.name} is inactive.", details={"staff_id": str(staff_id)})


async def check_client_pets(ctx: Context, client_id: UUID, pet_ids: list[UUID]) -> tuple[UUID, ...]:
    """R-SCHED-3: the pets (deduplicated, in order) are the client's own and active. Raises
    PetsNotAllowed (422)."""
    wanted = tuple(dict.fromkeys(pet_ids))
    own = {pet.id for pet in await ctx.uow.pets.of_client(ctx.company_id, client_id) if pet.active}
    check_pets(wanted, own)
    return wanted


async def _block(ctx: Context, service: Service, block_id: UUID | None, day: date) -> ScheduleBlock | None:
    if block_id is None:
        return None
    block = await ctx.uow.blocks.get(ctx.company_id, block_id)
    service.check_block(block, day)
    return block


async def _check_conflicts(ctx: Context, visit: Visit, *, override: bool) -> None:
    """R-SCHED-4 against the staff member's visits around this one."""
    if visit.staff_id is None:
        return
    around = await ctx.uow.visits.of_staff_between(ctx.company_id, visit.staff_id, visit.starts_at, visit.ends_at)
    check_no_conflicts(visit, around, override=override)


async def schedule_visit(ctx: Context, command: ScheduleVisit) -> Visit:
    """R-SCHED-3: book a visit for an active client's own pets, with an active service, at a time or
    in one of the service's blocks (on its weekday), optionally with a staff member. Publishes
    `scheduling.visit.scheduled` v2 (never a notice to the client, R-NEVER-2) with the service's
    price and taxable flag now and the invoice (R-INV-1): `invoice_id` as picked, none with
    `do_not_invoice`, else a new id (a new invoice). The context's unit of work has the invoice read
    model (invoices_ports) when `invoice_id` is given.
    Raises CompanyNotKnownYet, ClientNotFound, ClientInactive, PetsNotAllowed, ServiceNotFound,
    ServiceDisabled, BlockNotFound, BlockNotAllowed, InvalidVisitTime, StaffNotFound, StaffInactive,
    StaffConflict (R-SCHED-4, 409 naming the conflicting visits unless `override_conflicts`),
    InvoiceOfAnotherClient (422: the read model knows the picked invoice is another client's)."""
    tz = await company_zone(ctx)
    await check_client(ctx, command.client_id)
    pet_ids = await check_client_pets(ctx, command.client_id, command.pet_ids)
    service = await ctx.uow.services.get(ctx.company_id, command.service_id)
    service.check_bookable()
    block = await _block(ctx, service, command.schedule_block_id, command.visit_date)
    await check_staff(ctx, command.staff_id)
    duration = command.duration_minutes or service.duration_minutes
    where = place(command.visit_date, command.start_time, block, duration, tz)
    visit = Visit(uuid4(), ctx.company_id, command.client_id, pet_ids, service.id, where.visit_date,
                  where.start_time, where.block_id, duration, where.starts_at, where.ends_at,
                  staff_id=command.staff_id, staff_note=command.staff_note)
    await _check_conflicts(ctx, visit, override=command.override_conflicts)
    invoice_id = await invoice_of_booking(ctx, command.client_id, command.invoice_id,
                                          do_not_invoice=command.do_not_invoice)
    await ctx.uow.visits.add(visit)
    await ctx.publish(scheduled_event(visit, service, await summarise(ctx, visit, tz), invoice_id))
    await ctx.commit()
    return visit


async def move_visit(ctx: Context, visit_id: UUID, command: MoveVisit) -> Visit:
    """R-SCHED-10: another date, time or block (and optionally duration) for a scheduled visit;
    publishes `scheduling.visit.moved` (no notice to the client). Raises VisitNotFound,
    VisitStatusConflict, BlockNotFound, BlockNotAllowed, InvalidVisitTime, StaffConflict."""
    tz = await company_zone(ctx)
    visit = await ctx.uow.visits.get(ctx.company_id, visit_id)
    visit.check_can("move")
    service = await ctx.uow.services.get(ctx.company_id, visit.service_id)
    block = await _block(ctx, service, command.schedule_block_id, command.visit_date)
    duration = command.duration_minutes or visit.duration_minutes
    moved = visit.moved(place(command.visit_date, command.start_time, block, duration, tz), duration)
    await _check_conflicts(ctx, moved, override=command.override_conflicts)
    await ctx.uow.visits.save(moved)
    await ctx.publish(VisitMoved(visit_id=moved.id, client_id=moved.client_id, visit=await summarise(ctx, moved, tz)))
    await ctx.commit()
    return moved


async def reassign_visit(ctx: Context, visit_id: UUID, command: ReassignVisit) -> Visit:
    """R-SCHED-4/R-SCHED-10: another staff member (or none) for a scheduled visit; publishes
    `scheduling.visit.reassigned` (no notice to the client). Raises VisitNotFound,
    VisitStatusConflict, StaffNotFound, StaffInactive, StaffConflict (unless `override_conflicts`)."""
    tz = await company_zone(ctx)
    visit = await ctx.uow.visits.get(ctx.company_id, visit_id)
    reassigned = visit.reassigned(command.staff_id)
    await check_staff(ctx, command.staff_id)
    await _check_conflicts(ctx, reassigned, override=command.override_conflicts)
    await ctx.uow.visits.save(reassigned)
    await ctx.publish(VisitReassigned(visit_id=visit.id, client_id=visit.client_id, staff_id=reassigned.staff_id,
                                      visit=await summarise(ctx, reassigned, tz)))
    await ctx.commit()
    return reassigned


async def update_visit(ctx: Context, visit_id: UUID, command: UpdateVisit) -> Visit:
    """R-SCHED-3: other pets (the client's own, active), another active service, another duration
    (scheduled visits only), or the staff-only note (any time). When pets, service or duration
    actually changed, publishes `scheduling.visit.updated` with their new values (for billing; never
    a notice to the client, R-NEVER-2); the staff note is never in it, and a note-only edit (or one
    that changes nothing) publishes nothing. Raises VisitNotFound, VisitStatusConflict, PetsNotAllowed,
    ServiceNotFound, ServiceDisabled, BlockNotAllowed, StaffConflict (a longer visit)."""
    visit = await ctx.uow.visits.get(ctx.company_id, visit_id)
    changes = command.changes()
    override = bool(changes.pop("override_conflicts", False))
    if set(changes) - {"staff_note"}:
        visit.check_can("change")
    if "pet_ids" in changes:
        changes["pet_ids"] = await check_client_pets(ctx, visit.client_id, changes["pet_ids"])
    if "service_id" in changes and changes["service_id"] != visit.service_id:
        service = await ctx.uow.services.get(ctx.company_id, changes["service_id"])
        service.check_bookable()
        if visit.block_id is not None:
            service.check_block(await ctx.uow.blocks.get(ctx.company_id, visit.block_id), visit.visit_date)
    changed = visit.changed(**changes)
    if "duration_minutes" in changes and changed.start_time is not None:
        where = place(changed.visit_date, changed.start_time, None, changed.duration_minutes, await company_zone(ctx))
        changed = changed.changed(ends_at=where.ends_at)
        await _check_conflicts(ctx, changed, override=override)
    await ctx.uow.visits.save(changed)
    event = await _updated_event(ctx, visit, changed)
    if event is not None:
        await ctx.publish(event)
    await ctx.commit()
    return changed


async def _updated_event(ctx: Context, before: Visit, after: Visit) -> VisitUpdated | None:
    """`scheduling.visit.updated` naming what changed among pets, service and duration, or None
    when none of them did. Never the staff note: it must not leave scheduling (R-NEVER-2 spirit)."""
    pets_changed = after.pet_ids != before.pet_ids
    service_changed = after.service_id != before.service_id
    duration_changed = after.duration_minutes != before.duration_minutes
    if not (pets_changed or service_changed or duration_changed):
        return None
    summary = await summarise(ctx, after, await company_zone(ctx))
    return VisitUpdated(
        visit_id=after.id, client_id=after.client_id,
        service_id=after.service_id if service_changed else None,
        service_name=summary.service_name if service_changed else None,
        pet_ids=list(after.pet_ids) if pets_changed else None,
        duration_minutes=after.duration_minutes if duration_changed else None,
        visit=summary)


async def cancel_visit(ctx: Context, visit_id: UUID) -> Visit:
    """R-SCHED-10: the business cancels a scheduled visit; publishes
    `scheduling.visit.cancelled_by_staff` (no notice to the client, R-NEVER-2). Raises
    VisitNotFound, VisitStatusConflict."""
    tz = await company_zone(ctx)
    cancelled = (await ctx.uow.visits.get(ctx.company_id, visit_id)).cancelled()
    await ctx.uow.visits.save(cancelled)
    await ctx.publish(VisitCancelledByStaff(visit_id=cancelled.id, client_id=cancelled.client_id,
                                            visit=await summarise(ctx, cancelled, tz)))
    await ctx.commit()
    return cancelled


async def bulk_cancel_visits(ctx: Context, command: BulkCancelVisits) -> list[Visit]:
    """R-SCHED-10: cancel several scheduled visits at once, all or none: VisitNotFound (404) names
    the ids that are not the company's, VisitStatusConflict (409) the visits that cannot be
    cancelled, and then nothing changes. One `cancelled_by_staff` event per visit."""
    tz = await company_zone(ctx)
    wanted = list(dict.fromkeys(command.visit_ids))
    found = {visit.id: visit for visit in await ctx.uow.visits.many(ctx.company_id, wanted)}
    missing = [str(visit_id) for visit_id in wanted if visit_id not in found]
    if missing:
        raise VisitNotFound("No such visit in your company.", details={"visit_ids": missing})
    stuck = [{"visit_id": str(v.id), "status": v.status.value} for v in found.values()
             if v.status != VisitStatus.SCHEDULED]
    if stuck:
        raise VisitStatusConflict("Only scheduled visits can be cancelled: nothing was cancelled.",
                                       details={"visits": stuck})
    cancelled = [found[visit_id].cancelled() for visit_id in wanted]
    for visit in cancelled:
        await ctx.uow.visits.save(visit)
        await ctx.publish(VisitCancelledByStaff(visit_id=visit.id, client_id=visit.client_id,
                                                visit=await summarise(ctx, visit, tz)))
    await ctx.commit()
    return cancelled


async def delete_visit(ctx: Context, visit_id: UUID) -> None:
    """R-SCHED-10: remove a scheduled or cancelled visit (completed and started visits are history);
    publishes `scheduling.visit.deleted` (no notice to the client). Raises VisitNotFound,
    VisitStatusConflict."""
    visit = await ctx.uow.visits.get(ctx.company_id, visit_id)
    visit.check_can("delete")
    await ctx.uow.visits.delete(ctx.company_id, visit.id)
    await ctx.publish(VisitDeleted(visit_id=visit.id, client_id=visit.client_id))
    await ctx.commit()


async def get_visit(ctx: Context, visit_id: UUID) -> Visit:
    """Managers see every visit of the company; staff their own; a client their own (the API gives
    clients the view without the staff note). Raises VisitNotFound (404) otherwise."""
    visit = await ctx.uow.visits.get(ctx.company_id, visit_id)
    owner = visit.client_id if ctx.is_client else visit.staff_id
    if not ctx.is_manager and (ctx.person_id is None or ctx.person_id != owner):
        raise VisitNotFound("No such visit in your company.")
    return visit


async def list_visits(ctx: Context, *, limit: int, offset: int, client_id: UUID | None = None,
                      staff_id: UUID | None = None, starts_from: datetime | None = None,
                      starts_before: datetime | None = None, status: VisitStatus | None = None) -> list[Visit]:
    """The company's visits by start; staff see only their own (`staff_id` is theirs whatever was
    asked), a client only theirs."""
    if ctx.is_client:
        client_id = ctx.person_id
    elif not ctx.is_manager:
        staff_id = ctx.person_id
    return await ctx.uow.visits.page(ctx.company_id, limit=limit, offset=offset, client_id=client_id,
                                     staff_id=staff_id, starts_from=starts_from, starts_before=starts_before,
                                     status=status)


async def client_visits(ctx: Context, client_id: UUID, *, limit: int, offset: int,
                        starts_from: datetime | None = None, starts_before: datetime | None = None) -> list[Visit]:
    """A client's visits by start: the client themselves, or the business. Raises ClientNotFound
    (404) for another client (or another company's)."""
    if ctx.is_client and ctx.person_id != client_id:
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})
    if not ctx.is_client and await ctx.uow.people.person(ctx.company_id, client_id) is None:
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})
    return await ctx.uow.visits.page(ctx.company_id, limit=limit, offset=offset, client_id=client_id,
                                     starts_from=starts_from, starts_before=starts_before)


async def client_visit(ctx: Context, client_id: UUID, visit_id: UUID) -> Visit:
    """One of a client's visits (the client themselves or the business). Raises ClientNotFound,
    VisitNotFound (404, also for another client's visit)."""
    if ctx.is_client and ctx.person_id != client_id:
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})
    visit = await ctx.uow.visits.get(ctx.company_id, visit_id)
    if visit.client_id != client_id:
        raise VisitNotFound("No such visit in your company.", details={"visit_id": str(visit_id)})
    return visit


async def delete_future_visits_of(ctx: Context, client_id: UUID) -> int:
    """R-SCHED-11 / R-INACT-3: a client deactivated with "delete future visits" on loses the visits
    that start from now on and are still scheduled (cancelled and completed ones stay, as do past
    ones). One `scheduling.visit.deleted` per visit, which never notifies the client (R-NEVER-4).
    Called by the consumer: it does not commit (the batch does). Returns how many were deleted."""
    deleted = 0
    while True:
        batch = await ctx.uow.visits.page(ctx.company_id, limit=200, offset=0, client_id=client_id,
                                          starts_from=ctx.now(), status=VisitStatus.SCHEDULED)
        for visit in batch:
            await ctx.uow.visits.delete(ctx.company_id, visit.id)
            await ctx.publish(VisitDeleted(visit_id=visit.id, client_id=visit.client_id))
        deleted += len(batch)
        if len(batch) < 200:
            return deleted
