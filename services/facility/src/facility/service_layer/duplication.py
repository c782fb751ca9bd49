"""The duplication tool (R-FAC-5): one event copied to many future dates in one request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from petcare_kit.errors import DomainError

from facility.domain.errors import DateInPast, SpaceFull
from facility.domain.events import FacilityEvent
from facility.domain.spaces import OccupancyWarning
from facility.service_layer.context import Context
from facility.service_layer.event_details import company_zone, publish_changed
from facility.service_layer.events import Booked, check_client
from facility.service_layer.events_commands import DuplicateEvent
from facility.service_layer.occupancy import check_occupancy


@dataclass(frozen=True)
class Refusal:
    """A date that got no copy, with the reason's stable `code` and a message."""

    on: date
    code: str
    message: str


@dataclass(frozen=True)
class Duplicated:
    created: list[Booked]
    refused: list[Refusal]


async def duplicate_event(ctx: Context, event_id: UUID, command: DuplicateEvent) -> Duplicated:
    """R-FAC-5: a new scheduled event per date (each date once, in the order given), copying the
    event's client, pets, space, service, price, note and add-ons (an add-on on its own date keeps
    its distance from the start); an overnight copy has as many nights. A date not after the
    company's local now (DateInPast) or on which the space would go over a hard capacity limit
    (SpaceFull) is refused alone, with its reason; the copies made before count towards the space's
    capacity. Each copy publishes `facility.event.changed` (`duplicated_from` set). When every date
    is refused, nothing changes and the first reason is raised (its details list every refusal).
    Raises EventNotFound, ClientNotFound, ClientInactive, CompanyNotKnownYet."""
    tz = await company_zone(ctx)
    source = await ctx.uow.events.get(ctx.company_id, event_id)
    await check_client(ctx, source.client_id)
    space = await ctx.uow.spaces.get(ctx.company_id, source.space_id)
    made: list[tuple[FacilityEvent, list[OccupancyWarning]]] = []
    refused: list[tuple[date, DomainError]] = []
    for on in dict.fromkeys(command.dates):
        copy = source.copied_to(uuid4(), on, [uuid4() for _ in source.add_ons])
        try:
            copy.when.check_future(ctx.now(), tz)
            warnings = await check_occupancy(ctx, space, copy)
        except (DateInPast, SpaceFull) as reason:
            refused.append((on, reason))
            continue
        await ctx.uow.events.add(copy)  # one by one: the next date's capacity counts this copy
        made.append((copy, warnings))
    refusals = [Refusal(on, reason.code, reason.message) for on, reason in refused]
    if not made:
        first = refused[0][1]
        raise type(first)(f"No copy was made: {first.message}", details={"refused": [
            {"date": str(r.on), "code": r.code, "message": r.message} for r in refusals]})
    details = await publish_changed(ctx, [copy for copy, _ in made])
    await ctx.commit()
    return Duplicated([Booked(d, w) for d, (_, w) in zip(details, made, strict=True)], refusals)
