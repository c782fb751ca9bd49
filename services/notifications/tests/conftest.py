"""The notifications service in-process on a real PostgreSQL, fed events as its consumer receives
them, sending email to a real SendGrid sandbox; called as the gateway calls it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import pytest_asyncio
from notifications.adapters.sendgrid_sender import SendGridEmailSender
from notifications.bootstrap import create_app
from notifications.config import NotificationsSettings
from notifications.service_layer.email_dispatcher import EmailDispatcher
from notifications.spec import SPEC
from petcare_contracts import SYSTEM, Actor, EventPayload, new_envelope
from petcare_contracts.events.clients import ClientAdded, CompanyRegistered, StaffAdded
from petcare_contracts.events.common import Contact, Phone
from petcare_kit.identity import Identity, Role, sign_identity
from petcare_kit.migrations import upgrade_to_head
from petcare_tools.sandboxes.background import serve_in_background
from petcare_tools.sandboxes.sendgrid import create_app as create_sendgrid_sandbox
from petcare_tools.testing.records import record_of
from sqlalchemy import text

SECRET = "test-internal-secret"



@dataclass
class NotificationsService:
    http: httpx.AsyncClient
    app: Any
    mailbox_url: str
    settings: NotificationsSettings
    offset: int = 0

    @property
    def runtime(self):  # type: ignore[no-untyped-def]
        return self.app.state.runtime

    async def feed(self, payload: EventPayload, company_id: UUID, *, actor: Actor = SYSTEM, raw: bytes | None = None,
                   envelope=None) -> Any:  # type: ignore[no-untyped-def]
        """Hand one event to the consumer exactly as Kafka would; returns its envelope."""
        envelope = envelope or new_envelope(payload, company_id=company_id, correlation_id="test", actor=actor)
        self.offset += 1
        await self.runtime.consumer.handle_batch([record_of(payload, envelope, offset=self.offset, value=raw)])
        return envelope

    async def send_emails(self) -> int:
        sender = SendGridEmailSender(self.settings.sendgrid_api_key, self.settings.sendgrid_host,
                                     self.settings.from_email)
        return await EmailDispatcher(self.runtime.sessions, sender, self.settings).dispatch_due()

    async def mailbox(self, to: str | None = None) -> list[dict]:
        async with httpx.AsyncClient() as http:
            response = await http.get(f"{self.mailbox_url}/sandbox/messages", params={"to": to} if to else {})
            response.raise_for_status()
            body = response.json()
            return body["messages"] if isinstance(body, dict) else body

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        async with self.runtime.engine.begin() as connection:
            result = await connection.execute(text(statement), params)
            return list(result) if result.returns_rows else []

    async def commands(self) -> list[dict]:
        rows = await self.sql("SELECT convert_from(value, 'UTF8')::jsonb AS e FROM outbox "
                              "WHERE topic = 'texting.commands' ORDER BY seq")
        return [row.e for row in rows]

    def as_(self, identity: Identity):  # type: ignore[no-untyped-def]
        service = self

        class Caller:
            async def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
                headers = sign_identity(identity, secret=SECRET, method=method, path=path.split("?")[0])
                return await service.http.request(method, path, headers=headers, **kw)

        return Caller()


@pytest.fixture(scope="session")
def sendgrid_sandbox() -> Any:
    with serve_in_background(create_sendgrid_sandbox()) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url, kafka_bootstrap_servers, sendgrid_sandbox) -> AsyncIterator[NotificationsService]:
    await asyncio.to_thread(upgrade_to_head, SPEC.alembic_dir, database_url)
    async with httpx.AsyncClient() as http:
        await http.post(f"{sendgrid_sandbox}/sandbox/reset")
    settings = NotificationsSettings(
        database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap_servers, internal_auth_secret=SECRET,
        environment="test", log_json=False, run_relay=False, run_consumers=False, run_email_dispatcher=False,
        sendgrid_host=sendgrid_sandbox, sendgrid_api_key="SG.test-key")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://notifications") as http:
            yield NotificationsService(http, app, sendgrid_sandbox, settings)


@dataclass
class Company:
    id: UUID
    admin_id: UUID
    client_id: UUID

    @property
    def admin(self) -> Identity:
        return Identity(Role.ADMIN, person_id=self.admin_id, company_id=self.id)


@pytest_asyncio.fixture(loop_scope="session")
async def company(service: NotificationsService) -> Company:
    """A company with an admin (texting mobile) and one client, known from clients.events."""
    company = Company(uuid4(), uuid4(), uuid4())
    await service.feed(CompanyRegistered(company_id=company.id, name="Happy Paws", slug="happy-paws",
                                         time_zone="America/New_York", first_admin_id=company.admin_id), company.id)
    await service.feed(StaffAdded(staff_id=company.admin_id, role="admin", contact=Contact(
        first_name="Olive", last_name="Owner", emails=["olive@happypaws.com"],
        phones=[Phone(label="mobile", number="+12125550100", e164="+12125550100")])), company.id)
    await service.feed(ClientAdded(client_id=company.client_id, contact=Contact(
        first_name="Ada", last_name="Lovelace", emails=["ada@example.com"],
        phones=[Phone(label="mobile", number="(416) 555-0199", e164="+14165550199")])), company.id)
    return company


pytestmark = pytest.mark.asyncio(loop_scope="session")
