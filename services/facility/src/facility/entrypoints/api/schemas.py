"""What the API answers: one pydantic model per answer, so the merged OpenAPI document (from which
frontends generate their clients) says exactly what comes back.

Two views of an event: `EventView` for the business (staff and managers: with the note) and
`ClientEventView` for client-facing routes, which has no note field at all (R-FAC-3)."""

from __future__ import annotations

from datetime import date, time
from uuid import UUID

from pydantic import BaseModel

from facility.domain.catalogue import FacilityService, ServiceKind
from facility.domain.events import EventStatus
from facility.domain.spaces import FacilitySettings, OccupancyWarning, Space, WarningCode
from facility.service_layer.duplication import Duplicated, Refusal
from facility.service_layer.event_details import EventDetails
from facility.service_layer.events import Booked


class SpaceView(BaseModel):
    id: UUID
    name: str
    capacity: int | None
    pets_per_staff: int | None
    internal_note: str | None
    active: bool

    @classmethod
    def of(cls, space: Space) -> SpaceView:
        return cls(id=space.id, name=space.name, capacity=space.capacity, pets_per_staff=space.pets_per_staff,
                   internal_note=space.internal_note, active=space.active)


class SpacePage(BaseModel):
    items: list[SpaceView]
    limit: int
    offset: int


class SettingsView(BaseModel):
    capacity_is_hard_limit: bool

    @classmethod
    def of(cls, settings: FacilitySettings) -> SettingsView:
        return cls(capacity_is_hard_limit=settings.capacity_is_hard_limit)


class ServiceView(BaseModel):
    id: UUID
    name: str
    kind: ServiceKind
    price_cents: int
    """Daycare: per day; overnight: per night; add-on: once."""
    taxable: bool
    space_ids: list[UUID]
    main_service_ids: list[UUID]
    active: bool

    @classmethod
    def of(cls, service: FacilityService) -> ServiceView:
        return cls(id=service.id, name=service.name, kind=service.kind, price_cents=service.price_cents,
                   taxable=service.taxable, space_ids=list(service.space_ids),
                   main_service_ids=list(service.main_service_ids), active=service.active)


class ServicePage(BaseModel):
    items: list[ServiceView]
    limit: int
    offset: int


class AddOnView(BaseModel):
    id: UUID
    service_id: UUID
    service_name: str
    price_cents: int
    taxable: bool
    on: date | None
    at: time | None


class ClientEventView(BaseModel):
    """An event as its client sees it: no note (R-FAC-3)."""

    id: UUID
    client_id: UUID
    service_id: UUID
    service_name: str
    kind: ServiceKind
    starts_on: date
    ends_on: date
    start_time: time | None
    end_time: time | None
    nights: int | None
    space_id: UUID
    space_name: str
    pet_ids: list[UUID]
    pet_names: list[str]
    price_cents: int
    """Integer cents: a daycare's price, or the price per night times the nights."""
    taxable: bool
    add_ons: list[AddOnView]
    status: EventStatus

    @classmethod
    def fields_of(cls, details: EventDetails) -> dict[str, object]:
        event, when = details.event, details.event.when
        return {"id": event.id, "client_id": event.client_id, "service_id": event.service_id,
                "service_name": details.service.name, "kind": when.kind, "starts_on": when.starts_on,
                "ends_on": when.ends_on, "start_time": when.start_time, "end_time": when.end_time,
                "nights": when.nights, "space_id": event.space_id, "space_name": details.space.name,
                "pet_ids": list(event.pet_ids),
                "pet_names": [details.pet_names[p] for p in event.pet_ids if p in details.pet_names],
                "price_cents": event.price_cents, "taxable": event.taxable,
                "add_ons": [AddOnView(id=a.id, service_id=a.service_id, service_name=details.service_name(a.service_id),
                                      price_cents=a.price_cents, taxable=a.taxable, on=a.on, at=a.at)
                            for a in event.add_ons],
                "status": event.status}

    @classmethod
    def of(cls, details: EventDetails) -> ClientEventView:
        return cls.model_validate(cls.fields_of(details))


class ClientEventPage(BaseModel):
    items: list[ClientEventView]
    limit: int
    offset: int


class EventView(ClientEventView):
    """An event as the business sees it: the client's view, the staff note (R-FAC-3), where it was
    copied from (R-FAC-5) and when its pets came and went."""

    note: str | None
    duplicated_from: UUID | None
    revision: int

    @classmethod
    def of(cls, details: EventDetails) -> EventView:
        event = details.event
        return cls.model_validate({**cls.fields_of(details), "note": event.note,
                                   "duplicated_from": event.duplicated_from, "revision": event.revision})


class EventPage(BaseModel):
    items: list[EventView]
    limit: int
    offset: int


class WarningView(BaseModel):
    """Capacity or pets per staff exceeded on `date` (the booking was made all the same)."""

    code: WarningCode
    date: date
    pets: int
    limit: int
    message: str

    @classmethod
    def of(cls, warning: OccupancyWarning) -> WarningView:
        return cls(code=warning.code, date=warning.on, pets=warning.pets, limit=warning.limit,
                   message=warning.message)


class BookedView(BaseModel):
    """An event as booked or changed, and the warnings of its space."""

    event: EventView
    warnings: list[WarningView]

    @classmethod
    def of(cls, booked: Booked) -> BookedView:
        return cls(event=EventView.of(booked.details), warnings=[WarningView.of(w) for w in booked.warnings])


class RefusalView(BaseModel):
    date: date
    code: str
    """`date_in_past` or `space_full`."""
    message: str

    @classmethod
    def of(cls, refusal: Refusal) -> RefusalView:
        return cls(date=refusal.on, code=refusal.code, message=refusal.message)


class DuplicatedView(BaseModel):
    """R-FAC-5: the copies made (each a new event, with its space's warnings) and the dates refused."""

    created: list[BookedView]
    refused: list[RefusalView]

    @classmethod
    def of(cls, duplicated: Duplicated) -> DuplicatedView:
        return cls(created=[BookedView.of(b) for b in duplicated.created],
                   refused=[RefusalView.of(r) for r in duplicated.refused])
