"""The notifications service in-process on a real PostgreSQL, fed events as its consumer receives
them, sending email to a real SendGrid sandbox; called as the gateway calls it
(petcare_tools.testing.service)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest
import pytest_asyncio
from notifications.adapters.sendgrid_sender import SendGridEmailSender
from notifications.service_layer.email_dispatcher import EmailDispatcher
from notifications.spec import SPEC
from petcare_contracts.events.clients import ClientAdded, CompanyRegistered, StaffAdded
from petcare_contracts.events.common import Contact, Phone
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.sandboxes import reset_sandbox, sandbox_mails
from petcare_tools.testing.service import ServiceUnderTest, serve_in_process


@dataclass(kw_only=True)
class NotificationsService(ServiceUnderTest):
    @property
    def mailbox_url(self) -> str:
        return str(self.settings.sendgrid_host)

    async def send_emails(self) -> int:
        """Run the email dispatcher once (it is off in these tests); how many it handled."""
        sender = SendGridEmailSender(self.settings.sendgrid_api_key, self.settings.sendgrid_host,
                                     self.settings.from_email)
        return await EmailDispatcher(self.runtime.sessions, sender, self.settings).dispatch_due()

    async def mailbox(self, to: str | None = None) -> list[dict[str, Any]]:
        return await sandbox_mails(self.mailbox_url, to)

    async def commands(self) -> list[dict[str, Any]]:
        """texting.commands envelopes in the outbox, oldest first."""
        return [_without_seq(e) for e in await self.outbox("texting.commands")]


def _without_seq(envelope: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in envelope.items() if key != "_seq"}


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url: str, kafka_bootstrap_servers: str,
                  sendgrid_sandbox: str) -> AsyncIterator[NotificationsService]:
    await reset_sandbox(sendgrid_sandbox)
    async with serve_in_process(SPEC, database_url, kafka_bootstrap_servers, harness=NotificationsService,
                                run_email_dispatcher=False, sendgrid_host=sendgrid_sandbox,
                                sendgrid_api_key="SG.test-key") as service:
        yield service


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
