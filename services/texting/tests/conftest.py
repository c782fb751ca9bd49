"""The texting service in-process on a real PostgreSQL, talking through the real twilio SDK to the
Twilio sandbox; Twilio's webhooks are caught by a receiver and handed to the service unchanged
(same URL, form and X-Twilio-Signature), as if Twilio had called it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import pytest_asyncio
from petcare_contracts import EventPayload, new_envelope
from petcare_contracts.events.billing import PlanChanged
from petcare_contracts.events.clients import ClientAdded, CompanyRegistered, StaffAdded
from petcare_contracts.events.common import Contact, Phone
from petcare_kit.identity import Identity, Role, sign_identity
from petcare_kit.migrations import upgrade_to_head
from petcare_tools.sandboxes.background import serve_in_background
from petcare_tools.sandboxes.twilio import create_app as create_twilio_sandbox
from petcare_tools.sandboxes.webhook_receiver import WebhookReceiver
from petcare_tools.testing.records import record_of
from sqlalchemy import text
from texting.bootstrap import create_app
from texting.config import TextingSettings
from texting.service_layer.text_dispatcher import TextDispatcher
from texting.spec import SPEC

SECRET = "test-internal-secret"
AUTH_TOKEN = "sandbox-auth-token"
ACCOUNT = "AC" + "1" * 32



@dataclass
class TextingService:
    http: httpx.AsyncClient
    app: Any
    sandbox: str
    receiver: WebhookReceiver
    settings: TextingSettings
    offset: int = 0
    forwarded: int = 0

    @property
    def runtime(self):  # type: ignore[no-untyped-def]
        return self.app.state.runtime

    async def feed(self, payload: EventPayload, company_id: UUID, envelope=None):  # type: ignore[no-untyped-def]
        envelope = envelope or new_envelope(payload, company_id=company_id, correlation_id="test")
        self.offset += 1
        await self.runtime.consumer.handle_batch([record_of(payload, envelope, offset=self.offset)])
        return envelope

    async def dispatch(self) -> int:
        return await TextDispatcher(self.runtime.sessions, self.app.state.twilio, self.settings).dispatch_due()

    async def forward_webhooks(self, at_least: int = 0, timeout: float = 5.0,
                               skip: Callable[[dict[str, str]], bool] | None = None) -> list[httpx.Response]:
        """Hand every webhook Twilio made since the last call to the service, exactly as received;
        those whose form `skip` accepts are lost on the way."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.receiver.received) - self.forwarded < at_least:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"fewer than {at_least} webhooks arrived")
            await asyncio.sleep(0.05)
        answers = []
        for hook in self.receiver.received[self.forwarded:]:
            self.forwarded += 1
            if skip is not None and skip(hook.form):
                continue
            path = hook.url.split("/api/texting", 1)[1]
            answers.append(await self.http.post(path, data=hook.form,
                                                headers={"x-twilio-signature": hook.signature or ""}))
        return answers

    async def sandbox_post(self, path: str, **kw: Any) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.sandbox, timeout=10) as http:
            return await http.post(path, **kw)

    async def sandbox_get(self, path: str, **kw: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.sandbox, timeout=10) as http:
            return (await http.get(path, **kw)).json()

    async def events(self, type_prefix: str = "texting.") -> list[dict]:
        async with self.runtime.engine.connect() as connection:
            rows = await connection.execute(text(
                "SELECT convert_from(value, 'UTF8')::jsonb AS e FROM outbox ORDER BY seq"))
            return [row.e for row in rows if row.e.get("type", "").startswith(type_prefix)]

    def as_(self, identity: Identity):  # type: ignore[no-untyped-def]
        service = self

        class Caller:
            async def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
                headers = sign_identity(identity, secret=SECRET, method=method, path=path.split("?")[0])
                return await service.http.request(method, path, headers=headers, **kw)

        return Caller()


@pytest.fixture(scope="session")
def twilio_sandbox() -> Any:
    with serve_in_background(create_twilio_sandbox()) as url:
        yield url


@pytest.fixture(scope="session")
def receiver() -> Any:
    receiver = WebhookReceiver()
    with serve_in_background(receiver.app) as url:
        receiver.base_url = url
        yield receiver


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url, kafka_bootstrap_servers, twilio_sandbox, receiver) -> AsyncIterator[TextingService]:
    await asyncio.to_thread(upgrade_to_head, SPEC.alembic_dir, database_url)
    async with httpx.AsyncClient() as http:
        await http.post(f"{twilio_sandbox}/sandbox/reset")
    receiver.received.clear()
    settings = TextingSettings(
        database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap_servers, internal_auth_secret=SECRET,
        environment="test", log_json=False, run_relay=False, run_consumers=False, run_text_dispatcher=False,
        twilio_api_base=twilio_sandbox, twilio_account_sid=ACCOUNT, twilio_auth_token=AUTH_TOKEN,
        webhook_base_url=f"{receiver.base_url}/api/texting")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://texting") as http:
            yield TextingService(http, app, twilio_sandbox, receiver, settings)


@dataclass
class Company:
    id: UUID
    admin_id: UUID
    client_id: UUID
    number: str | None = None

    @property
    def admin(self) -> Identity:
        return Identity(Role.ADMIN, person_id=self.admin_id, company_id=self.id)


CLIENT_MOBILE = "+14165550199"


@pytest_asyncio.fixture(loop_scope="session")
async def company(service: TextingService) -> Company:
    """A company on the Solo plan with texting on and a number; one client and one admin known."""
    company = Company(uuid4(), uuid4(), uuid4())
    await service.feed(CompanyRegistered(company_id=company.id, name="Happy Paws", slug="happy-paws",
                                         time_zone="America/New_York", first_admin_id=company.admin_id), company.id)
    await service.feed(StaffAdded(staff_id=company.admin_id, role="admin", contact=Contact(
        first_name="Olive", last_name="Owner", emails=["o@example.com"],
        phones=[Phone(label="mobile", number="+12125550100", e164="+12125550100")])), company.id)
    await service.feed(ClientAdded(client_id=company.client_id, contact=Contact(
        first_name="Ada", last_name="Lovelace", emails=["ada@example.com"],
        phones=[Phone(label="mobile", number="(416) 555-0199", e164=CLIENT_MOBILE)])), company.id)
    await service.feed(PlanChanged(company_id=company.id, plan="solo", in_trial=False), company.id)
    admin = service.as_(company.admin)
    assert (await admin.request("POST", "/turn-on")).status_code == 200
    found = (await admin.request("GET", "/numbers/available?area_code=212")).json()
    bought = await admin.request("POST", "/number", json={"phone_number": found[0]["phone_number"]})
    assert bought.status_code == 201, bought.text
    company.number = bought.json()["number"]
    return company


pytestmark = pytest.mark.asyncio(loop_scope="session")
