"""What the use cases need from the outside, as protocols: the people of the clients directory and
the unit of work that holds every repository (each area's in its `<area>_ports.py`). SQL in
`adapters/`, in memory in tests/unit/fakes.py. Repositories never commit."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from petcare_contracts import Actor, Envelope, EventPayload
from petcare_kit.client_directory import DirectoryCompany, DirectoryPerson

from facility.service_layer.catalogue_ports import Services
from facility.service_layer.events_ports import Events, Pets
from facility.service_layer.spaces_ports import Settings, Spaces


class People(Protocol):
    """The clients directory (petcare_kit.client_directory): companies, clients and staff."""

    async def company(self, company_id: UUID) -> DirectoryCompany | None: ...

    async def person(self, company_id: UUID, person_id: UUID) -> DirectoryPerson | None: ...

    async def active_staff(self, company_id: UUID) -> int:
        """How many active staff members (any staff role) the company has."""


class UnitOfWork(Protocol):
    """One transaction: the repositories, events queued in it (outbox), one commit."""

    @property
    def spaces(self) -> Spaces: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def services(self) -> Services: ...

    @property
    def events(self) -> Events: ...

    @property
    def pets(self) -> Pets: ...

    @property
    def people(self) -> People: ...

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = ...,
                      causation_id: UUID | None = None) -> Envelope: ...

    async def commit(self) -> None: ...
