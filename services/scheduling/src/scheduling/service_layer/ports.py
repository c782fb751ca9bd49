"""What the use cases need from the outside, as protocols: the repositories (SQL in `adapters/`, in
memory in tests/unit/fakes.py) and the unit of work. Repositories return domain objects and never
commit; every read is scoped to one company (another company's id is simply not found)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from petcare_contracts import Actor, Envelope, EventPayload
from petcare_kit.client_directory import DirectoryCompany, DirectoryPerson

from scheduling.domain.catalogue import ScheduleBlock, Service
from scheduling.domain.pets import Pet
from scheduling.domain.visits import Visit, VisitStatus


class Services(Protocol):
    async def add(self, service: Service) -> None: ...

    async def save(self, service: Service) -> None: ...

    async def get(self, company_id: UUID, service_id: UUID) -> Service:
        """Raises ServiceNotFound (also for another company's service)."""

    async def with_name_key(self, company_id: UUID, key: str) -> Service | None: ...

    async def page(self, company_id: UUID, *, limit: int, offset: int, active: bool | None = None,
                   client_selectable: bool | None = None) -> list[Service]:
        """By name, then id."""


class ScheduleBlocks(Protocol):
    async def add(self, block: ScheduleBlock) -> None: ...

    async def save(self, block: ScheduleBlock) -> None: ...

    async def get(self, company_id: UUID, block_id: UUID) -> ScheduleBlock:
        """Raises BlockNotFound (also for another company's block)."""

    async def many(self, company_id: UUID, block_ids: list[UUID]) -> list[ScheduleBlock]:
        """Those of `block_ids` that are the company's (unknown ids are left out)."""

    async def with_title_key(self, company_id: UUID, key: str) -> ScheduleBlock | None: ...

    async def page(self, company_id: UUID, *, limit: int, offset: int, active: bool | None = None
                   ) -> list[ScheduleBlock]:
        """By start time, then title, then id."""


class Pets(Protocol):
    async def save(self, pet: Pet) -> None:
        """Insert or replace (replaying a pet event changes nothing)."""

    async def of_client(self, company_id: UUID, client_id: UUID) -> list[Pet]: ...

    async def many(self, company_id: UUID, pet_ids: list[UUID]) -> list[Pet]: ...


class Visits(Protocol):
    async def add(self, visit: Visit) -> None: ...

    async def add_many(self, visits: Sequence[Visit]) -> None:
        """Insert several new visits at once (as `add` one by one)."""

    async def save(self, visit: Visit) -> None: ...

    async def delete(self, company_id: UUID, visit_id: UUID) -> None: ...

    async def get(self, company_id: UUID, visit_id: UUID) -> Visit:
        """Raises VisitNotFound (also for another company's visit)."""

    async def many(self, company_id: UUID, visit_ids: list[UUID]) -> list[Visit]:
        """Those of `visit_ids` that are the company's."""

    async def of_staff_between(self, company_id: UUID, staff_id: UUID, starts: datetime, ends: datetime
                               ) -> list[Visit]:
        """The staff member's visits whose [starts_at, ends_at) meets [starts, ends), any status."""

    async def page(self, company_id: UUID, *, limit: int, offset: int, client_id: UUID | None = None,
                   staff_id: UUID | None = None, starts_from: datetime | None = None,
                   starts_before: datetime | None = None, status: VisitStatus | None = None) -> list[Visit]:
        """By starts_at, then id (a stable order, so pages neither repeat nor skip)."""


class People(Protocol):
    """The clients directory (petcare_kit.client_directory): companies, clients and staff."""

    async def company(self, company_id: UUID) -> DirectoryCompany | None: ...

    async def person(self, company_id: UUID, person_id: UUID) -> DirectoryPerson | None: ...


class UnitOfWork(Protocol):
    """One transaction: the repositories above, events queued in it (outbox), one commit."""

    @property
    def services(self) -> Services: ...

    @property
    def blocks(self) -> ScheduleBlocks: ...

    @property
    def pets(self) -> Pets: ...

    @property
    def visits(self) -> Visits: ...

    @property
    def people(self) -> People: ...

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = ...,
                      causation_id: UUID | None = None) -> Envelope: ...

    async def commit(self) -> None: ...
