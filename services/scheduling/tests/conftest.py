"""scheduling in-process on a real PostgreSQL (a fresh database per test: the `database_url`
fixture of petcare_tools.testing) and the session's broker, its consumer handed events as Kafka
would hand them, called as the gateway calls it (signed identity headers)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest_asyncio
from petcare_contracts import Envelope, EventPayload, new_envelope
from petcare_kit.identity import Identity, Role, sign_identity
from petcare_kit.migrations import upgrade_to_head
from petcare_kit.runtime import ServiceRuntime
from petcare_tools.testing.records import record_of
from scheduling.bootstrap import create_app
from scheduling.config import SchedulingSettings
from scheduling.spec import SPEC
from sqlalchemy import text

SECRET = "test-internal-secret"


@dataclass
class Service:
    http: httpx.AsyncClient
    runtime: ServiceRuntime
    offset: int = 0

    async def feed(self, payload: EventPayload, company_id: UUID) -> Envelope:
        """Hand one event to the consumer exactly as Kafka would (inbox, waiting room, one commit)."""
        envelope = new_envelope(payload, company_id=company_id, correlation_id="test")
        self.offset += 1
        assert self.runtime.consumer is not None
        await self.runtime.consumer.handle_batch([record_of(payload, envelope, offset=self.offset)])
        return envelope

    async def published(self, event_type: str) -> list[dict[str, Any]]:
        """The `data` of every event of that type in the outbox (what the relay publishes), oldest first."""
        rows = await self.sql("SELECT convert_from(value, 'UTF8')::jsonb AS e FROM outbox ORDER BY seq")
        return [row.e["data"] for row in rows if row.e["type"] == event_type]

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        async with self.runtime.engine.begin() as connection:
            result = await connection.execute(text(statement), params)
            return list(result) if result.returns_rows else []

    async def call(self, identity: Identity, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request as the gateway sends it: the caller's identity, signed for this method and path."""
        headers = {**kwargs.pop("headers", {}),
                   **sign_identity(identity, secret=SECRET, method=method, path=path.split("?")[0])}
        return await self.http.request(method, path, headers=headers, **kwargs)


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url: str, kafka_bootstrap_servers: str) -> AsyncIterator[Service]:
    """Migrated to head, relay and consumers off (tests hand events over themselves)."""
    assert SPEC.alembic_dir is not None
    await asyncio.to_thread(upgrade_to_head, SPEC.alembic_dir, database_url)
    settings = SchedulingSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap_servers,
                                  internal_auth_secret=SECRET, environment="test", log_json=False,
                                  run_relay=False, run_consumers=False)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://scheduling") as http:
            yield Service(http, app.state.runtime)


def admin_of(company_id: UUID | None = None) -> Identity:
    return Identity(Role.ADMIN, person_id=uuid4(), company_id=company_id or uuid4())


@dataclass(frozen=True)
class World:
    """A company of clients.events as scheduling's read models hold it: its zone, a client with
    two pets, another client with one, an inactive client, a staff member; and its admin."""

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


async def make_world(service: Service, time_zone: str = "America/New_York") -> World:
    """Feed the clients.events that make a `World` (through the consumer, as Kafka would)."""
    from petcare_contracts.events.clients import ClientAdded, ClientDeactivated, CompanyRegistered, PetAdded, StaffAdded
    from petcare_contracts.events.common import Contact

    company_id, admin_id = uuid4(), uuid4()
    ids = [uuid4() for _ in range(8)]
    client, pet_a, pet_b, other, other_pet, inactive, inactive_pet, staff = ids

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
