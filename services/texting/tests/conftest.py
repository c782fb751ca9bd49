"""The texting service in-process on a real PostgreSQL, talking through the real twilio SDK to the
Twilio sandbox; Twilio's webhooks are caught by a receiver and handed to the service unchanged
(same URL, form and X-Twilio-Signature), as if Twilio had called it (petcare_tools.testing)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import pytest_asyncio
from petcare_contracts.events.billing import PlanChanged
from petcare_contracts.events.clients import ClientAdded, CompanyRegistered, StaffAdded
from petcare_contracts.events.common import Contact, Phone
from petcare_kit.identity import Identity, Role
from petcare_tools.sandboxes.webhook_receiver import WebhookReceiver
from petcare_tools.testing.sandboxes import WebhookForwarder, reset_sandbox
from petcare_tools.testing.service import ServiceUnderTest, serve_in_process
from texting.service_layer.text_dispatcher import TextDispatcher
from texting.spec import SPEC

AUTH_TOKEN = "sandbox-auth-token"
ACCOUNT = "AC" + "1" * 32
PUBLIC_PREFIX = "/api/texting"
"""Twilio calls the gateway's public address; the gateway routes /api/texting/... to texting."""


@dataclass(kw_only=True)
class TextingService(ServiceUnderTest):
    receiver: WebhookReceiver
    hooks: WebhookForwarder = field(init=False)

    def __post_init__(self) -> None:
        self.hooks = WebhookForwarder(self.receiver, self.http, PUBLIC_PREFIX)

    @property
    def sandbox(self) -> str:
        return str(self.settings.twilio_api_base)

    @property
    def forwarded(self) -> int:
        """Webhooks already handed to the service (or dropped); a test may set it to drop some."""
        return self.hooks.forwarded

    @forwarded.setter
    def forwarded(self, count: int) -> None:
        self.hooks.forwarded = count

    async def dispatch(self) -> int:
        """Run the text dispatcher once (it is off in these tests); how many texts it handled."""
        return await TextDispatcher(self.runtime.sessions, self.app.state.twilio, self.settings).dispatch_due()

    async def forward_webhooks(self, at_least: int = 0, timeout: float = 60.0,
                               skip: Callable[[dict[str, str]], bool] | None = None) -> list[httpx.Response]:
        """Hand every webhook Twilio made since the last call to the service, exactly as received;
        those whose form `skip` accepts are lost on the way."""
        return await self.hooks.forward(at_least, timeout, skip)

    async def sandbox_post(self, path: str, **kw: Any) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.sandbox, timeout=10) as http:
            return await http.post(path, **kw)

    async def sandbox_get(self, path: str, **kw: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.sandbox, timeout=10) as http:
            return (await http.get(path, **kw)).json()

    async def events(self, type_prefix: str = "texting.") -> list[dict[str, Any]]:
        """Envelopes in the outbox whose type starts with `type_prefix`, oldest first."""
        return [{key: value for key, value in envelope.items() if key != "_seq"}
                for envelope in await self.outbox() if envelope.get("type", "").startswith(type_prefix)]


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url: str, kafka_bootstrap_servers: str, twilio_sandbox: str,
                  receiver: WebhookReceiver) -> AsyncIterator[TextingService]:
    await reset_sandbox(twilio_sandbox)
    receiver.received.clear()
    async with serve_in_process(
            SPEC, database_url, kafka_bootstrap_servers, harness=lambda **kw: TextingService(receiver=receiver, **kw),
            run_text_dispatcher=False, twilio_api_base=twilio_sandbox, twilio_account_sid=ACCOUNT,
            twilio_auth_token=AUTH_TOKEN, webhook_base_url=f"{receiver.base_url}{PUBLIC_PREFIX}") as service:
        yield service


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
