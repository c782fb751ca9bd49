"""facility in-process on a real PostgreSQL (a fresh migrated database per test: the `database_url`
fixture of petcare_tools.testing), its consumer handed events as Kafka would hand them, called as the
gateway calls it (signed identity headers), with the helpers facility's tests use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest_asyncio
from facility.spec import SPEC
from petcare_contracts.events.clients import ClientAdded, ClientDeactivated, CompanyRegistered, PetAdded, StaffAdded
from petcare_contracts.events.common import Contact
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.service import ServiceUnderTest, serve_in_process


@dataclass(kw_only=True)
class Service(ServiceUnderTest):
    """facility under test: `feed`, `sql`, `outbox` and `as_` from the shared harness, plus `call`
    and `published`."""

    async def published(self, event_type: str = "facility.event.changed") -> list[dict[str, Any]]:
        """The `data` of every event of that type in the outbox (what the relay publishes), oldest first."""
        return [envelope["data"] for envelope in await self.outbox() if envelope["type"] == event_type]

    async def call(self, identity: Identity, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request as the gateway sends it: the caller's identity, signed for this method and path."""
        return await self.as_(identity).request(method, path, **kwargs)


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url: str, kafka_bootstrap_servers: str) -> AsyncIterator[Service]:
    """Migrated to head, relay and consumers off (tests hand events over themselves)."""
    async with serve_in_process(SPEC, database_url, kafka_bootstrap_servers, harness=Service) as service:
        yield service


def admin_of(company_id: UUID | None = None) -> Identity:
    return Identity(Role.ADMIN, person_id=uuid4(), company_id=company_id or uuid4())


@dataclass(frozen=True)
class World:
    """A company of clients.events as facility's read models hold it: its zone, a client with two
    pets, another client with one, an inactive client with one, a staff member; and its admin."""

    company_id: UUID
    admin: Identity
    client_id: UUID
    pets: tuple[UUID, UUID]
    other_client_id: UUID
    other_pet: UUID
    inactive_client_id: UUID
    inactive_pet: UUID
    staff_id: UUID

    @property
    def staff(self) -> Identity:
        return Identity(Role.STAFF, person_id=self.staff_id, company_id=self.company_id)

    @property
    def client(self) -> Identity:
        return Identity(Role.CLIENT, person_id=self.client_id, company_id=self.company_id)

    @property
    def office_manager(self) -> Identity:
        return Identity(Role.OFFICE_MANAGER, person_id=uuid4(), company_id=self.company_id)


async def make_world(service: Service, time_zone: str = "America/New_York") -> World:
    """Feed the clients.events that make a `World` (through the consumer, as Kafka would)."""
    company_id, admin_id = uuid4(), uuid4()
    client, pet_a, pet_b, other, other_pet, inactive, inactive_pet, staff = (uuid4() for _ in range(8))

    def contact(first: str) -> Contact:
        return Contact(first_name=first, last_name="Tester", emails=[f"{first.lower()}@example.com"], phones=[])

    await service.feed(CompanyRegistered(company_id=company_id, name="Happy Paws", slug=f"paws-{company_id.hex[:8]}",
                                         time_zone=time_zone, first_admin_id=admin_id), company_id)
    for person, first in ((client, "Ada"), (other, "Grace"), (inactive, "Alan")):
        await service.feed(ClientAdded(client_id=person, contact=contact(first)), company_id)
    for pet, owner, name in ((pet_a, client, "Rex"), (pet_b, client, "Tom"), (other_pet, other, "Bella"),
                             (inactive_pet, inactive, "Max")):
        await service.feed(PetAdded(pet_id=pet, client_id=owner, name=name, species="dog"), company_id)
    await service.feed(ClientDeactivated(client_id=inactive, delete_future_visits=False, delete_templates=False),
                       company_id)
    await service.feed(StaffAdded(staff_id=staff, role="staff", contact=contact("Sam")), company_id)
    admin = Identity(Role.ADMIN, person_id=admin_id, company_id=company_id)
    return World(company_id, admin, client, (pet_a, pet_b), other, other_pet, inactive, inactive_pet, staff)
