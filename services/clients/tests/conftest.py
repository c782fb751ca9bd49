"""The clients service in-process, on a real PostgreSQL and the session's broker, called as the
gateway calls it (with signed identity headers): petcare_tools.testing.service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
import pytest_asyncio
from clients.spec import SPEC
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.service import ServiceUnderTest, serve_in_process


@dataclass(kw_only=True)
class ClientsService(ServiceUnderTest):
    async def events(self, *, since: int = 0) -> list[dict[str, Any]]:
        """Events written to the outbox (what the relay publishes), oldest first, with `_seq`."""
        return await self.outbox("clients.events", since=since)

    async def last_seq(self) -> int:  # type: ignore[override]
        return await super().last_seq("clients.events")


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url: str, kafka_bootstrap_servers: str) -> AsyncIterator[ClientsService]:
    # The relay stays off (the harness's default): events stay in the outbox, where these tests read them.
    async with serve_in_process(SPEC, database_url, kafka_bootstrap_servers, harness=ClientsService) as service:
        yield service


@dataclass
class Company:
    id: UUID
    slug: str
    admin: Identity
    access_token: str


async def sign_up(service: ClientsService, name: str = "Happy Paws", email: str = "owner@happypaws.com",
                  password: str = "correct horse battery") -> Company:
    response = await service.as_(None).post("/signup", json={
        "company_name": name, "time_zone": "America/Toronto",
        "admin": {"first_name": "Olive", "last_name": "Owner", "email": email, "password": password}})
    assert response.status_code == 201, response.text
    body = response.json()
    admin = Identity(Role.ADMIN, person_id=UUID(body["admin_id"]), company_id=UUID(body["company"]["id"]))
    return Company(admin.company_id, body["company"]["slug"], admin, body["tokens"]["access_token"])


@pytest.fixture
def new_company(service: ClientsService) -> Callable[[str, str], Awaitable[Company]]:
    """Sign another company up: `await new_company("Other Paws", "boss@other.com")`."""

    async def make(name: str, email: str) -> Company:
        return await sign_up(service, name, email)

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def company(service: ClientsService) -> Company:
    return await sign_up(service)


pytestmark = pytest.mark.asyncio(loop_scope="session")
