"""Events with the names they are shown and published with (service, space, pets, add-ons), read in
the same transaction as the change; and the published state, `facility.event.changed` v1, which
never carries the staff note (R-FAC-3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID
from zoneinfo import ZoneInfo

from petcare_contracts.events import facility as contract
from petcare_contracts.events.facility import AddOnSummary, FacilityEventChanged

from facility.domain import local_days
from facility.domain.catalogue import FacilityService, ServiceKind
from facility.domain.errors import CompanyNotKnownYet
from facility.domain.events import EventStatus, FacilityEvent
from facility.domain.spaces import Space
from facility.service_layer.context import Context


async def company_zone(ctx: Context, company_id: UUID | None = None) -> ZoneInfo:
    """The IANA zone (clients.events) of the caller's company, or of `company_id` (consumers act for
    the company of the event). Raises CompanyNotKnownYet (409) while the company or its zone has not
    arrived, InvalidTimeZone (422) for a name zoneinfo does not know."""
    company_id = company_id or ctx.company_id
    company = await ctx.uow.people.company(company_id)
    if company is None or not company.time_zone:
        raise CompanyNotKnownYet("Your company's time zone is not known here yet: try again in a moment.",
                                 details={"company_id": str(company_id)})
    return local_days.zone(company.time_zone)


PUBLISHED_KIND: dict[ServiceKind, contract.ServiceKind] = {
    ServiceKind.DAYCARE: "daycare", ServiceKind.OVERNIGHT: "overnight"}
PUBLISHED_STATUS: dict[EventStatus, contract.EventStatus] = {
    EventStatus.SCHEDULED: "scheduled", EventStatus.CHECKED_IN: "checked_in",
    EventStatus.CHECKED_OUT: "checked_out", EventStatus.CANCELLED: "cancelled"}


@dataclass(frozen=True)
class EventDetails:
    """An event and the names it is shown with. `services`: the main service and the add-ons'
    services by id; `pet_names`: by pet id (pets not known are left out)."""

    event: FacilityEvent
    space: Space
    services: dict[UUID, FacilityService]
    pet_names: dict[UUID, str] = field(default_factory=dict)

    @property
    def service(self) -> FacilityService:
        return self.services[self.event.service_id]

    def service_name(self, service_id: UUID) -> str:
        service = self.services.get(service_id)
        return service.name if service else ""


async def details_of(ctx: Context, events: Sequence[FacilityEvent], company_id: UUID | None = None
                     ) -> list[EventDetails]:
    """The details of `events` (of the caller's company, or of `company_id`), their names read at once."""
    company_id = company_id or ctx.company_id
    service_ids = list({s for e in events for s in (e.service_id, *(a.service_id for a in e.add_ons))})
    services = {s.id: s for s in await ctx.uow.services.many(company_id, service_ids)}
    spaces = {s.id: s for s in await ctx.uow.spaces.many(company_id, list({e.space_id for e in events}))}
    pets = {p.id: p.name for p in await ctx.uow.pets.many(company_id, list({p for e in events for p in e.pet_ids}))}
    return [EventDetails(e, spaces[e.space_id], services, {p: pets[p] for p in e.pet_ids if p in pets})
            for e in events]


async def detail_of(ctx: Context, event: FacilityEvent) -> EventDetails:
    return (await details_of(ctx, [event]))[0]


def changed_event(details: EventDetails) -> FacilityEventChanged:
    """`facility.event.changed` v1: the event's whole state. Never the note (R-FAC-3)."""
    event = details.event
    return FacilityEventChanged(
        facility_event_id=event.id, client_id=event.client_id, service_id=event.service_id,
        service_name=details.service.name, kind=PUBLISHED_KIND[event.when.kind],
        starts_on=event.when.starts_on, ends_on=event.when.ends_on, start_time=event.when.start_time,
        end_time=event.when.end_time, nights=event.when.nights, space_id=event.space_id,
        space_name=details.space.name, pet_ids=list(event.pet_ids),
        pet_names=[details.pet_names[p] for p in event.pet_ids if p in details.pet_names],
        price_cents=event.price_cents, taxable=event.taxable,
        add_ons=[AddOnSummary(add_on_id=a.id, service_id=a.service_id, service_name=details.service_name(a.service_id),
                              price_cents=a.price_cents, taxable=a.taxable, on=a.on, at=a.at)
                 for a in event.add_ons],
        status=PUBLISHED_STATUS[event.status], duplicated_from=event.duplicated_from,
        revision=event.revision)


async def publish_changed(ctx: Context, events: Sequence[FacilityEvent], company_id: UUID | None = None
                          ) -> list[EventDetails]:
    """Queue `facility.event.changed` for each event (in this transaction; of the caller's company,
    or of `company_id`); returns their details."""
    details = await details_of(ctx, events, company_id)
    for detail in details:
        await ctx.publish(changed_event(detail), company_id=company_id)
    return details
