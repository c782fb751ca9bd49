"""Facility events and the pets read model over SQL. Return domain objects; never commit."""

from __future__ import annotations

from datetime import date, time
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from facility.adapters.events_tables import facility_events
from facility.adapters.tables import pets
from facility.domain.catalogue import ServiceKind
from facility.domain.errors import EventNotFound
from facility.domain.events import OCCUPYING, AddOn, EventStatus, EventTime, FacilityEvent
from facility.domain.pets import Pet

t = facility_events


def _add_on_json(add_on: AddOn) -> dict[str, Any]:
    return {"id": str(add_on.id), "service_id": str(add_on.service_id), "price_cents": add_on.price_cents,
            "taxable": add_on.taxable, "on": add_on.on.isoformat() if add_on.on else None,
            "at": add_on.at.isoformat() if add_on.at else None}


def _add_on(data: dict[str, Any]) -> AddOn:
    return AddOn(UUID(data["id"]), UUID(data["service_id"]), data["price_cents"], data["taxable"],
                 date.fromisoformat(data["on"]) if data["on"] else None,
                 time.fromisoformat(data["at"]) if data["at"] else None)


def _values(event: FacilityEvent) -> dict[str, Any]:
    when = event.when
    return {"client_id": event.client_id, "service_id": event.service_id, "space_id": event.space_id,
            "pet_ids": list(event.pet_ids), "kind": when.kind.value, "starts_on": when.starts_on,
            "ends_on": when.ends_on, "start_time": when.start_time, "end_time": when.end_time,
            "unit_price_cents": event.unit_price_cents, "taxable": event.taxable, "note": event.note,
            "status": event.status.value, "add_ons": [_add_on_json(a) for a in event.add_ons],
            "duplicated_from": event.duplicated_from, "revision": event.revision,
            "checked_in_at": event.checked_in_at, "checked_out_at": event.checked_out_at}


def event_of(row: Any) -> FacilityEvent:
    """A `facility_events` row as the domain's FacilityEvent."""
    when = EventTime(ServiceKind(row.kind), row.starts_on, row.ends_on, row.start_time, row.end_time)
    return FacilityEvent(row.id, row.company_id, row.client_id, row.service_id, row.space_id, tuple(row.pet_ids),
                         when, row.unit_price_cents, row.taxable, row.note, EventStatus(row.status),
                         tuple(_add_on(a) for a in row.add_ons), row.duplicated_from, row.revision,
                         row.checked_in_at, row.checked_out_at)


class SqlEvents:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, event: FacilityEvent) -> None:
        await self.session.execute(insert(t).values(id=event.id, company_id=event.company_id, **_values(event)))

    async def save(self, event: FacilityEvent) -> None:
        await self.session.execute(update(t).where(
            t.c.company_id == event.company_id, t.c.id == event.id).values(**_values(event)))

    async def get(self, company_id: UUID, event_id: UUID) -> FacilityEvent:
        row = (await self.session.execute(select(t).where(
            t.c.company_id == company_id, t.c.id == event_id))).one_or_none()
        if row is None:
            raise EventNotFound("No such event in your company.", details={"facility_event_id": str(event_id)})
        return event_of(row)

    async def occupying(self, company_id: UUID, space_id: UUID, first: date, last: date) -> list[FacilityEvent]:
        rows = await self.session.execute(select(t).where(
            t.c.company_id == company_id, t.c.space_id == space_id, t.c.starts_on <= last, t.c.ends_on >= first,
            t.c.status.in_([s.value for s in OCCUPYING])).order_by(t.c.starts_on, t.c.id))
        return [event_of(row) for row in rows]

    async def page(self, company_id: UUID, *, limit: int, offset: int, client_id: UUID | None = None,
                   space_id: UUID | None = None, starts_from: date | None = None, starts_before: date | None = None,
                   status: EventStatus | None = None) -> list[FacilityEvent]:
        query = select(t).where(t.c.company_id == company_id)
        if client_id is not None:
            query = query.where(t.c.client_id == client_id)
        if space_id is not None:
            query = query.where(t.c.space_id == space_id)
        if starts_from is not None:
            query = query.where(t.c.starts_on >= starts_from)
        if starts_before is not None:
            query = query.where(t.c.starts_on < starts_before)
        if status is not None:
            query = query.where(t.c.status == status.value)
        query = query.order_by(t.c.starts_on, t.c.start_time.nulls_first(), t.c.id).limit(limit).offset(offset)
        return [event_of(row) for row in await self.session.execute(query)]


def _pet(row: Any) -> Pet:
    return Pet(row.id, row.company_id, row.client_id, row.name, row.species, row.active)


class SqlPets:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save(self, pet: Pet) -> None:
        values = {"company_id": pet.company_id, "client_id": pet.client_id, "name": pet.name,
                  "species": pet.species, "active": pet.active}
        await self.session.execute(pg_insert(pets).values(id=pet.id, **values).on_conflict_do_update(
            index_elements=["id"], set_=values))

    async def of_client(self, company_id: UUID, client_id: UUID) -> list[Pet]:
        rows = await self.session.execute(select(pets).where(
            pets.c.company_id == company_id, pets.c.client_id == client_id).order_by(pets.c.name, pets.c.id))
        return [_pet(row) for row in rows]

    async def many(self, company_id: UUID, pet_ids: list[UUID]) -> list[Pet]:
        if not pet_ids:
            return []
        rows = await self.session.execute(select(pets).where(pets.c.company_id == company_id, pets.c.id.in_(pet_ids)))
        return [_pet(row) for row in rows]
