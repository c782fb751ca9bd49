"""In-memory stand-ins for facility's repositories and unit of work: the use cases run on them with
no database, exactly as they run on SQL."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from facility.domain.catalogue import FacilityService, ServiceKind
from facility.domain.errors import EventNotFound, ServiceNotFound, SpaceNotFound
from facility.domain.events import OCCUPYING, EventStatus, FacilityEvent
from facility.domain.pets import Pet
from facility.domain.spaces import FacilitySettings, Space, name_key
from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload, new_envelope
from petcare_kit.client_directory import DirectoryCompany, DirectoryPerson


class FakeSpaces:
    def __init__(self) -> None:
        self.rows: dict[UUID, Space] = {}
        self.locked: list[UUID] = []

    async def add(self, space: Space) -> None:
        self.rows[space.id] = space

    async def save(self, space: Space) -> None:
        self.rows[space.id] = space

    async def get(self, company_id: UUID, space_id: UUID) -> Space:
        space = self.rows.get(space_id)
        if space is None or space.company_id != company_id:
            raise SpaceNotFound("No such space in your company.")
        return space

    async def lock(self, company_id: UUID, space_id: UUID) -> None:
        self.locked.append(space_id)

    async def many(self, company_id: UUID, space_ids: list[UUID]) -> list[Space]:
        return [s for s in self.rows.values() if s.company_id == company_id and s.id in space_ids]

    async def with_name_key(self, company_id: UUID, key: str) -> Space | None:
        return next((s for s in self.rows.values() if s.company_id == company_id and s.name_key == key), None)

    async def page(self, company_id: UUID, *, limit: int, offset: int) -> list[Space]:
        mine = sorted((s for s in self.rows.values() if s.company_id == company_id), key=lambda s: (s.name_key, s.id))
        return mine[offset:offset + limit]


class FakeSettings:
    def __init__(self) -> None:
        self.rows: dict[UUID, FacilitySettings] = {}

    async def get(self, company_id: UUID) -> FacilitySettings:
        return self.rows.get(company_id, FacilitySettings(company_id))

    async def save(self, settings: FacilitySettings) -> None:
        self.rows[settings.company_id] = settings


class FakeServices:
    def __init__(self) -> None:
        self.rows: dict[UUID, FacilityService] = {}

    async def add(self, service: FacilityService) -> None:
        self.rows[service.id] = service

    async def save(self, service: FacilityService) -> None:
        self.rows[service.id] = service

    async def get(self, company_id: UUID, service_id: UUID) -> FacilityService:
        service = self.rows.get(service_id)
        if service is None or service.company_id != company_id:
            raise ServiceNotFound("No such service in your company.")
        return service

    async def many(self, company_id: UUID, service_ids: list[UUID]) -> list[FacilityService]:
        return [s for s in self.rows.values() if s.company_id == company_id and s.id in service_ids]

    async def with_name_key(self, company_id: UUID, key: str) -> FacilityService | None:
        return next((s for s in self.rows.values() if s.company_id == company_id and name_key(s.name) == key), None)

    async def page(self, company_id: UUID, *, limit: int, offset: int, kind: ServiceKind | None = None,
                   active: bool | None = None) -> list[FacilityService]:
        mine = sorted((s for s in self.rows.values() if s.company_id == company_id
                       and kind in (None, s.kind) and active in (None, s.active)),
                      key=lambda s: (name_key(s.name), s.id))
        return mine[offset:offset + limit]


class FakeEvents:
    def __init__(self) -> None:
        self.rows: dict[UUID, FacilityEvent] = {}

    async def add(self, event: FacilityEvent) -> None:
        self.rows[event.id] = event

    async def save(self, event: FacilityEvent) -> None:
        self.rows[event.id] = event

    async def get(self, company_id: UUID, event_id: UUID) -> FacilityEvent:
        event = self.rows.get(event_id)
        if event is None or event.company_id != company_id:
            raise EventNotFound("No such event in your company.")
        return event

    async def occupying(self, company_id: UUID, space_id: UUID, first: date, last: date) -> list[FacilityEvent]:
        return [e for e in self.rows.values() if e.company_id == company_id and e.space_id == space_id
                and e.when.starts_on <= last and e.when.ends_on >= first and e.status in OCCUPYING]

    async def page(self, company_id: UUID, *, limit: int, offset: int, client_id: UUID | None = None,
                   space_id: UUID | None = None, starts_from: date | None = None, starts_before: date | None = None,
                   status: EventStatus | None = None) -> list[FacilityEvent]:
        mine = sorted((e for e in self.rows.values() if e.company_id == company_id
                       and client_id in (None, e.client_id) and space_id in (None, e.space_id)
                       and status in (None, e.status)
                       and (starts_from is None or e.when.starts_on >= starts_from)
                       and (starts_before is None or e.when.starts_on < starts_before)),
                      key=lambda e: (e.when.starts_on, str(e.when.start_time or ""), e.id))
        return mine[offset:offset + limit]


class FakePets:
    def __init__(self) -> None:
        self.rows: dict[UUID, Pet] = {}

    async def save(self, pet: Pet) -> None:
        self.rows[pet.id] = pet

    async def of_client(self, company_id: UUID, client_id: UUID) -> list[Pet]:
        return [p for p in self.rows.values() if p.company_id == company_id and p.client_id == client_id]

    async def many(self, company_id: UUID, pet_ids: list[UUID]) -> list[Pet]:
        return [p for p in self.rows.values() if p.company_id == company_id and p.id in pet_ids]


class FakePeople:
    def __init__(self) -> None:
        self.companies: dict[UUID, DirectoryCompany] = {}
        self.people: dict[UUID, DirectoryPerson] = {}

    async def company(self, company_id: UUID) -> DirectoryCompany | None:
        return self.companies.get(company_id)

    async def person(self, company_id: UUID, person_id: UUID) -> DirectoryPerson | None:
        person = self.people.get(person_id)
        return person if person is not None and person.company_id == company_id else None

    async def active_staff(self, company_id: UUID) -> int:
        return sum(1 for p in self.people.values() if p.company_id == company_id and p.kind == "staff" and p.active)


class FakeUnitOfWork:
    """Events are kept in `published` as they would be queued; `commits` counts commits."""

    def __init__(self) -> None:
        self.spaces = FakeSpaces()
        self.settings = FakeSettings()
        self.services = FakeServices()
        self.events = FakeEvents()
        self.pets = FakePets()
        self.people = FakePeople()
        self.published: list[Envelope] = []
        self.commits = 0

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        envelope = new_envelope(payload, company_id=company_id, actor=actor, causation_id=causation_id,
                                correlation_id="unit-test")
        self.published.append(envelope)
        return envelope

    async def commit(self) -> None:
        self.commits += 1

    def events_of(self, event_type: str) -> list[dict[str, Any]]:
        return [e.data for e in self.published if e.type == event_type]
