"""In-memory stand-ins for scheduling's repositories and unit of work: the use cases run on them
with no database, exactly as they run on SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload, new_envelope
from petcare_kit.client_directory import DirectoryCompany, DirectoryPerson
from scheduling.domain.catalogue import ScheduleBlock, Service
from scheduling.domain.errors import BlockNotFound, ServiceNotFound, VisitNotFound
from scheduling.domain.invoices import InvoiceNotFound, InvoiceVisits
from scheduling.domain.pets import Pet
from scheduling.domain.visits import Visit, VisitStatus


class FakeServices:
    def __init__(self) -> None:
        self.rows: dict[UUID, Service] = {}

    async def add(self, service: Service) -> None:
        self.rows[service.id] = service

    async def save(self, service: Service) -> None:
        self.rows[service.id] = service

    async def get(self, company_id: UUID, service_id: UUID) -> Service:
        found = self.rows.get(service_id)
        if found is None or found.company_id != company_id:
            raise ServiceNotFound("No such service in your company.")
        return found

    async def with_name_key(self, company_id: UUID, key: str) -> Service | None:
        return next((s for s in self.rows.values() if s.company_id == company_id and s.name_key == key), None)

    async def page(self, company_id: UUID, *, limit: int, offset: int, active: bool | None = None,
                   client_selectable: bool | None = None) -> list[Service]:
        mine = sorted((s for s in self.rows.values() if s.company_id == company_id
                       and active in (None, s.active) and client_selectable in (None, s.client_selectable)),
                      key=lambda s: (s.name_key, s.id))
        return mine[offset:offset + limit]


class FakeBlocks:
    def __init__(self) -> None:
        self.rows: dict[UUID, ScheduleBlock] = {}

    async def add(self, block: ScheduleBlock) -> None:
        self.rows[block.id] = block

    async def save(self, block: ScheduleBlock) -> None:
        self.rows[block.id] = block

    async def get(self, company_id: UUID, block_id: UUID) -> ScheduleBlock:
        found = self.rows.get(block_id)
        if found is None or found.company_id != company_id:
            raise BlockNotFound("No such schedule block in your company.")
        return found

    async def many(self, company_id: UUID, block_ids: list[UUID]) -> list[ScheduleBlock]:
        return [b for b in self.rows.values() if b.company_id == company_id and b.id in block_ids]

    async def with_title_key(self, company_id: UUID, key: str) -> ScheduleBlock | None:
        return next((b for b in self.rows.values() if b.company_id == company_id and b.title_key == key), None)

    async def page(self, company_id: UUID, *, limit: int, offset: int, active: bool | None = None
                   ) -> list[ScheduleBlock]:
        mine = sorted((b for b in self.rows.values() if b.company_id == company_id and active in (None, b.active)),
                      key=lambda b: (b.starts, b.title_key, b.id))
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


class FakeVisits:
    def __init__(self) -> None:
        self.rows: dict[UUID, Visit] = {}

    async def add(self, visit: Visit) -> None:
        self.rows[visit.id] = visit

    async def add_many(self, visits: Sequence[Visit]) -> None:
        for visit in visits:
            await self.add(visit)

    async def save(self, visit: Visit) -> None:
        self.rows[visit.id] = visit

    async def delete(self, company_id: UUID, visit_id: UUID) -> None:
        self.rows.pop(visit_id, None)

    async def get(self, company_id: UUID, visit_id: UUID) -> Visit:
        found = self.rows.get(visit_id)
        if found is None or found.company_id != company_id:
            raise VisitNotFound("No such visit in your company.")
        return found

    async def many(self, company_id: UUID, visit_ids: list[UUID]) -> list[Visit]:
        return [v for v in self.rows.values() if v.company_id == company_id and v.id in visit_ids]

    async def of_staff_between(self, company_id: UUID, staff_id: UUID, starts: datetime, ends: datetime
                               ) -> list[Visit]:
        return [v for v in self.rows.values() if v.company_id == company_id and v.staff_id == staff_id
                and v.starts_at < ends and v.ends_at > starts]

    async def page(self, company_id: UUID, *, limit: int, offset: int, client_id: UUID | None = None,
                   staff_id: UUID | None = None, starts_from: datetime | None = None,
                   starts_before: datetime | None = None, status: VisitStatus | None = None) -> list[Visit]:
        mine = sorted((v for v in self.rows.values() if v.company_id == company_id
                       and client_id in (None, v.client_id) and staff_id in (None, v.staff_id)
                       and (starts_from is None or v.starts_at >= starts_from)
                       and (starts_before is None or v.starts_at < starts_before)
                       and status in (None, v.status)), key=lambda v: (v.starts_at, v.id))
        return mine[offset:offset + limit]


class FakePeople:
    def __init__(self) -> None:
        self.companies: dict[UUID, DirectoryCompany] = {}
        self.persons: dict[UUID, DirectoryPerson] = {}

    async def company(self, company_id: UUID) -> DirectoryCompany | None:
        return self.companies.get(company_id)

    async def person(self, company_id: UUID, person_id: UUID) -> DirectoryPerson | None:
        found = self.persons.get(person_id)
        return found if found is not None and found.company_id == company_id else None


class FakeInvoices:
    """The invoice read model (billing.invoice.visits_changed), highest revision kept."""

    def __init__(self) -> None:
        self.rows: dict[tuple[UUID, UUID], InvoiceVisits] = {}

    async def record(self, invoice: InvoiceVisits) -> bool:
        known = self.rows.get((invoice.company_id, invoice.invoice_id))
        if known is not None and known.revision >= invoice.revision:
            return False
        self.rows[(invoice.company_id, invoice.invoice_id)] = invoice
        return True

    async def get(self, company_id: UUID, invoice_id: UUID) -> InvoiceVisits:
        found = await self.find(company_id, invoice_id)
        if found is None:
            raise InvoiceNotFound("No such invoice in your company.")
        return found

    async def find(self, company_id: UUID, invoice_id: UUID) -> InvoiceVisits | None:
        return self.rows.get((company_id, invoice_id))


class FakeUnitOfWork:
    """Events are kept in `published` as they would be queued; `commits` counts commits."""

    def __init__(self) -> None:
        self.services = FakeServices()
        self.blocks = FakeBlocks()
        self.pets = FakePets()
        self.visits = FakeVisits()
        self.people = FakePeople()
        self.invoices = FakeInvoices()
        self.published: list[Envelope] = []
        self.commits = 0

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        envelope = new_envelope(payload, company_id=company_id, actor=actor, causation_id=causation_id,
                                correlation_id="unit-test")
        self.published.append(envelope)
        return envelope

    async def publish_many(self, payloads: Sequence[EventPayload], *, company_id: UUID | None,
                           actor: Actor = SYSTEM) -> list[Envelope]:
        return [await self.publish(payload, company_id=company_id, actor=actor) for payload in payloads]

    async def commit(self) -> None:
        self.commits += 1

    def events(self, event_type: str) -> list[dict[str, Any]]:
        return [e.data for e in self.published if e.type == event_type]

    def versions(self, event_type: str) -> list[int]:
        """The contract version of each event of that type, in order."""
        return [e.version for e in self.published if e.type == event_type]
