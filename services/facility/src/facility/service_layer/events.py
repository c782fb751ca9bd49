"""Use cases of facility events (R-FAC-2, R-FAC-3, R-FAC-4): schedule, change, check in, check out,
cancel, add an add-on, and the reads. Each change commits once and publishes the event's whole
state, `facility.event.changed` v1, through the outbox: never its note (R-FAC-3), never a notice to
the client (R-NEVER-2). Facility events go on no invoice by themselves (R-INV-1): the Client Hub
invoices them by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from facility.domain import local_days
from facility.domain.errors import ClientInactive, ClientNotFound, EventNotFound, InvalidEventTime
from facility.domain.events import AddOn, EventStatus, EventTime, FacilityEvent
from facility.domain.pets import check_pets
from facility.domain.spaces import OccupancyWarning
from facility.service_layer.context import Context
from facility.service_layer.event_details import EventDetails, company_zone, detail_of, details_of, publish_changed
from facility.service_layer.events_commands import AddAddOn, ScheduleEvent, UpdateEvent
from facility.service_layer.occupancy import check_occupancy

TIME_FIELDS = ("starts_on", "ends_on", "start_time", "end_time")


@dataclass(frozen=True)
class Booked:
    """An event as booked or changed, with the warnings of its space (capacity, pets per staff)."""

    details: EventDetails
    warnings: list[OccupancyWarning]


async def check_client(ctx: Context, client_id: UUID) -> None:
    """The client is the company's and active (R-FAC-2). Raises ClientNotFound (404),
    ClientInactive (409)."""
    client = await ctx.uow.people.person(ctx.company_id, client_id)
    if client is None or client.kind != "client":
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})
    if not client.active:
        raise ClientInactive(f"{client.name} is inactive: reactivate them to schedule events.",
                             details={"client_id": str(client_id)})


async def check_client_pets(ctx: Context, client_id: UUID, pet_ids: list[UUID]) -> tuple[UUID, ...]:
    """R-FAC-2: the pets (deduplicated, in order) are the client's own and active. Raises
    PetsNotAllowed (422)."""
    wanted = tuple(dict.fromkeys(pet_ids))
    own = {pet.id for pet in await ctx.uow.pets.of_client(ctx.company_id, client_id) if pet.active}
    check_pets(wanted, own)
    return wanted


async def schedule_event(ctx: Context, command: ScheduleEvent) -> Booked:
    """R-FAC-2: an event for an active client's own pets, in one of the company's active spaces, with
    an active main service allowed there, at a time fitting the service's kind. The price is the
    service's now (per night for overnight). Capacity and pets per staff warn (in the answer) unless
    capacity is a hard limit. Raises ClientNotFound, ClientInactive, PetsNotAllowed, SpaceNotFound,
    SpaceDisabled, ServiceNotFound, ServiceDisabled, ServiceNotAllowed, InvalidEventTime, SpaceFull."""
    await check_client(ctx, command.client_id)
    pet_ids = await check_client_pets(ctx, command.client_id, command.pet_ids)
    space = await ctx.uow.spaces.get(ctx.company_id, command.space_id)
    space.check_bookable()
    service = await ctx.uow.services.get(ctx.company_id, command.service_id)
    service.check_main_in(space.id)
    service.check_bookable()
    when = EventTime.of(service.kind, command.starts_on, command.ends_on, command.start_time, command.end_time)
    event = FacilityEvent(uuid4(), ctx.company_id, command.client_id, service.id, space.id, pet_ids, when,
                          service.price_cents, service.taxable, command.note)
    warnings = await check_occupancy(ctx, space, event)
    await ctx.uow.events.add(event)
    [details] = await publish_changed(ctx, [event])
    await ctx.commit()
    return Booked(details, warnings)


async def update_event(ctx: Context, event_id: UUID, command: UpdateEvent) -> Booked:
    """Move a scheduled event (the whole time again: `starts_on` and its kind's other fields), put it
    in another space (allowed for its service) or give it other pets (scheduled or checked in), or
    change the note (any status). Publishes the new state unless nothing was sent. Raises
    EventNotFound, EventStatusConflict, InvalidEventTime, SpaceNotFound, SpaceDisabled,
    ServiceNotAllowed, PetsNotAllowed, SpaceFull."""
    event = await ctx.uow.events.get(ctx.company_id, event_id)
    changes = command.changes()
    new: dict[str, object] = {}
    if set(TIME_FIELDS) & set(changes):
        if "starts_on" not in changes:
            raise InvalidEventTime("To move an event send its whole time, starting with starts_on.",
                                   details={"sent": sorted(set(TIME_FIELDS) & set(changes))})
        new["when"] = EventTime.of(event.when.kind, changes["starts_on"], changes.get("ends_on"),
                                   changes.get("start_time"), changes.get("end_time"))
    space = await ctx.uow.spaces.get(ctx.company_id, changes.get("space_id") or event.space_id)
    if space.id != event.space_id:
        space.check_bookable()
        (await ctx.uow.services.get(ctx.company_id, event.service_id)).check_main_in(space.id)
        new["space_id"] = space.id
    if "pet_ids" in changes:
        new["pet_ids"] = await check_client_pets(ctx, event.client_id, changes["pet_ids"])
    if "note" in changes:
        new["note"] = changes["note"]
    if not new:
        return Booked(await detail_of(ctx, event), [])
    changed = event.changed(**new)
    warnings = await check_occupancy(ctx, space, changed) if set(new) - {"note"} else []
    await ctx.uow.events.save(changed)
    [details] = await publish_changed(ctx, [changed])
    await ctx.commit()
    return Booked(details, warnings)


async def _apply(ctx: Context, event: FacilityEvent) -> EventDetails:
    await ctx.uow.events.save(event)
    [details] = await publish_changed(ctx, [event])
    await ctx.commit()
    return details


async def check_in(ctx: Context, event_id: UUID) -> EventDetails:
    """The pets arrived (staff or managers). Raises EventNotFound, EventStatusConflict (not scheduled)."""
    return await _apply(ctx, (await ctx.uow.events.get(ctx.company_id, event_id)).checked_in(ctx.now()))


async def check_out(ctx: Context, event_id: UUID) -> EventDetails:
    """The pets went home. Raises EventNotFound, EventStatusConflict (not checked in)."""
    return await _apply(ctx, (await ctx.uow.events.get(ctx.company_id, event_id)).checked_out(ctx.now()))


async def cancel_event(ctx: Context, event_id: UUID) -> EventDetails:
    """Raises EventNotFound, EventStatusConflict (not scheduled). Never notifies the client."""
    return await _apply(ctx, (await ctx.uow.events.get(ctx.company_id, event_id)).cancelled())


async def add_add_on(ctx: Context, event_id: UUID, command: AddAddOn) -> EventDetails:
    """R-FAC-4: an add-on service of the event's main service, at its price now, optionally on one of
    the event's dates (`at` alone: on the event's first date). Raises EventNotFound, ServiceNotFound,
    ServiceNotAllowed, ServiceDisabled, EventStatusConflict, InvalidEventTime."""
    event = await ctx.uow.events.get(ctx.company_id, event_id)
    service = await ctx.uow.services.get(ctx.company_id, command.service_id)
    service.check_add_on_to(event.service_id)
    on = command.on or (event.when.starts_on if command.at is not None else None)
    return await _apply(ctx, event.with_add_on(AddOn(uuid4(), service.id, service.price_cents, service.taxable,
                                                     on, command.at)))


async def get_event(ctx: Context, event_id: UUID) -> EventDetails:
    """An event of the company (staff and managers; the API's staff view has the note). Raises
    EventNotFound (404)."""
    return await detail_of(ctx, await ctx.uow.events.get(ctx.company_id, event_id))


async def list_events(ctx: Context, *, limit: int, offset: int, client_id: UUID | None = None,
                      space_id: UUID | None = None, starts_from: date | None = None,
                      starts_before: date | None = None, status: EventStatus | None = None) -> list[EventDetails]:
    """The company's events by start (staff and managers: a facility's staff look after every pet in it)."""
    found = await ctx.uow.events.page(ctx.company_id, limit=limit, offset=offset, client_id=client_id,
                                      space_id=space_id, starts_from=starts_from, starts_before=starts_before,
                                      status=status)
    return await details_of(ctx, found)


async def _check_client_reader(ctx: Context, client_id: UUID) -> None:
    """A client reads their own events only; the business any client's of its company."""
    if ctx.is_client and ctx.person_id != client_id:
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})
    if not ctx.is_client and await ctx.uow.people.person(ctx.company_id, client_id) is None:
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})


async def client_events(ctx: Context, client_id: UUID, *, limit: int, offset: int,
                        starts_from: date | None = None, starts_before: date | None = None) -> list[EventDetails]:
    """A client's events by start: the client themselves or the business (the API answers both with
    the client view, without the note, R-FAC-3). Raises ClientNotFound (404) for another client."""
    await _check_client_reader(ctx, client_id)
    found = await ctx.uow.events.page(ctx.company_id, limit=limit, offset=offset, client_id=client_id,
                                      starts_from=starts_from, starts_before=starts_before)
    return await details_of(ctx, found)


async def client_event(ctx: Context, client_id: UUID, event_id: UUID) -> EventDetails:
    """One of a client's events. Raises ClientNotFound, EventNotFound (404, also another client's)."""
    await _check_client_reader(ctx, client_id)
    event = await ctx.uow.events.get(ctx.company_id, event_id)
    if event.client_id != client_id:
        raise EventNotFound("No such event in your company.", details={"facility_event_id": str(event_id)})
    return await detail_of(ctx, event)


async def cancel_future_events_of(ctx: Context, company_id: UUID, client_id: UUID) -> int:
    """R-INACT-3: a client deactivated with "delete future scheduled services" on: their scheduled
    events from the company's local today on are cancelled (kept as history, each publishing its
    cancelled state; checked-in, checked-out and past ones stay). Never notifies the client
    (R-NEVER-4). Called by the consumer: it does not commit (the batch does). Returns how many."""
    today, _ = local_days.local_now(ctx.now(), await company_zone(ctx, company_id))
    cancelled = 0
    while True:
        batch = await ctx.uow.events.page(company_id, limit=200, offset=0, client_id=client_id, starts_from=today,
                                          status=EventStatus.SCHEDULED)
        done = [event.cancelled() for event in batch]
        for event in done:
            await ctx.uow.events.save(event)
        await publish_changed(ctx, done, company_id)
        cancelled += len(batch)
        if len(batch) < 200:
            return cancelled
