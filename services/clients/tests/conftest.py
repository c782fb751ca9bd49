"""The clients service in-process, on a real PostgreSQL and the session's broker, called as the
gateway calls it (with signed identity headers)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest
import pytest_asyncio
from clients.bootstrap import create_app
from clients.config import ClientsSettings
from clients.spec import SPEC
from petcare_kit.identity import Identity, Role, sign_identity
from petcare_kit.migrations import upgrade_to_head
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

SECRET = "test-internal-secret"


@dataclass
class ClientsService:
    http: httpx.AsyncClient
    database_url: str

    def as_(self, identity: Identity | None):  # type: ignore[no-untyped-def]
        return Caller(self, identity)

    async def events(self, *, since: int = 0) -> list[dict[str, Any]]:
        """Events written to the outbox (what the relay publishes), oldest first."""
        engine = create_async_engine(self.database_url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(text(
                    "SELECT seq, convert_from(value, 'UTF8')::jsonb AS envelope FROM outbox "
                    "WHERE seq > :since AND topic = 'clients.events' ORDER BY seq"), {"since": since})
                return [dict(row.envelope, _seq=row.seq) for row in rows]
        finally:
            await engine.dispose()

    async def last_seq(self) -> int:
        events = await self.events()
        return events[-1]["_seq"] if events else 0

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        engine = create_async_engine(self.database_url)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(statement), params)
                return list(result) if result.returns_rows else []
        finally:
            await engine.dispose()


@dataclass
class Caller:
    service: ClientsService
    identity: Identity | None

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.identity is not None:
            headers.update(sign_identity(self.identity, secret=SECRET, method=method, path=path.split("?")[0]))
        return await self.service.http.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("POST", path, **kw)

    async def patch(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("PATCH", path, **kw)

    async def delete(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("DELETE", path, **kw)


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url: str, kafka_bootstrap_servers: str) -> AsyncIterator[ClientsService]:
    await asyncio.to_thread(upgrade_to_head, SPEC.alembic_dir, database_url)
    settings = ClientsSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap_servers,
                               internal_auth_secret=SECRET, environment="test", log_json=False,
                               run_relay=False)  # events stay in the outbox, where these tests read them
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://clients") as http:
            yield ClientsService(http, database_url)


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
def new_company(service: ClientsService):  # type: ignore[no-untyped-def]
    """Sign another company up: `await new_company("Other Paws", "boss@other.com")`."""

    async def make(name: str, email: str) -> Company:
        return await sign_up(service, name, email)

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def company(service: ClientsService) -> Company:
    return await sign_up(service)


pytestmark = pytest.mark.asyncio(loop_scope="session")
