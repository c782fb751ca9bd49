"""Every R-EMAIL and R-NEVER rule through the real broker: each event published on its topic as its
service would publish it, the notifications service as a real process, the SendGrid sandbox
counting what arrives. Exactly the expected emails, and none for R-NEVER."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from uuid import UUID, uuid4

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from petcare_contracts import EventPayload, envelope_headers, new_envelope
from petcare_contracts.events import billing, clients, scheduling
from petcare_contracts.events.common import Contact
from petcare_kit.kafka import ensure_topics

from suite.email_rules import EVENTS, visit
from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")


@dataclass
class Company:
    id: UUID
    client_id: UUID
    email: str


async def publish(bootstrap: str, company: Company, payloads: list[EventPayload]) -> None:
    """Keyed by the client, so that everything about one client is in one partition of each topic,
    in order: a later event on a topic is consumed after the earlier ones."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")
    await producer.start()
    try:
        for payload in payloads:
            envelope = new_envelope(payload, company_id=company.id, correlation_id="suite")
            await producer.send_and_wait(payload.topic, envelope.model_dump_json().encode(),
                                         key=str(company.client_id).encode(), headers=envelope_headers(envelope))
    finally:
        await producer.stop()


async def mails(sendgrid: str, to: str) -> list[dict]:
    async with httpx.AsyncClient() as http:
        body = (await http.get(f"{sendgrid}/sandbox/messages", params={"to": to})).json()
    return body["messages"] if isinstance(body, dict) else body


async def wait_for(sendgrid: str, to: str, count: int, timeout: float = 120) -> list[dict]:
    """The emails to `to` once there are `count`, and any extra that follows within 2 s. The deadline
    costs nothing when all is well: notifications can lag far behind on a busy machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await mails(sendgrid, to)
        if len(found) >= count:
            await asyncio.sleep(2)  # a doubled or unexpected email would arrive now
            return await mails(sendgrid, to)
        await asyncio.sleep(0.25)
    raise AssertionError(f"fewer than {count} emails to {to} after {timeout}s")


def sentinels(company: Company) -> list[EventPayload]:
    """One emailing event per topic, published after the silent ones: when its email arrives, every
    event before it on that topic and key has been consumed."""
    return [
        clients.PortalInstructionsRequested(client_id=company.client_id, email=company.email,
                                            portal_url="http://portal/sign-in", login_email=company.email),
        scheduling.ConfirmationRequested(invoice_id=uuid4(), client_id=company.client_id, visits=[visit()]),
        billing.InvoiceEmailRequested(invoice_id=uuid4(), client_id=company.client_id, number="INV-9",
                                      total_cents=1000, balance_cents=1000, invoice_url="http://portal/invoices/9"),
    ]


async def test_r_email_1_to_9_and_r_never_1_to_4_through_the_real_broker(processes, kafka_bootstrap_servers,
                                                                        postgres_admin_url):
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    sendgrid = await suite.start_sandbox("sendgrid")
    await ensure_topics(kafka_bootstrap_servers, {t: 8 for t in ("clients.events", "scheduling.events",
                                                                 "billing.events", "texting.events")})
    await suite.start("notifications", SENDGRID_HOST=sendgrid, SENDGRID_API_KEY="SG.suite")
    # The table's R-NEVER-3 update keeps the client's address: ada@example.com (this sandbox is ours alone).
    company = Company(uuid4(), uuid4(), "ada@example.com")
    admin_id = uuid4()
    await publish(kafka_bootstrap_servers, company, [
        clients.CompanyRegistered(company_id=company.id, name="Broker Paws", slug="broker-paws",
                                  time_zone="America/New_York", first_admin_id=admin_id),
        clients.ClientAdded(client_id=company.client_id, contact=Contact(
            first_name="Ada", last_name="King", emails=[company.email], phones=[])),
    ])

    silent = [make(company) for expected, make in EVENTS.values() if expected == 0]
    await publish(kafka_bootstrap_servers, company, [*silent, *sentinels(company)])
    after_silence = await wait_for(sendgrid, company.email, 3)
    assert len(after_silence) == 3, [m["subject"] for m in after_silence]  # R-NEVER-1..4 sent nothing

    emailing = {case: make(company) for case, (expected, make) in EVENTS.items() if expected == 1}
    await publish(kafka_bootstrap_servers, company, list(emailing.values()))
    everything = await wait_for(sendgrid, company.email, 3 + len(emailing))
    assert len(everything) == 3 + len(emailing)
    assert all("Broker Paws" in mail["subject"] for mail in everything)
    ids = [mail["delivery_id"] for mail in everything]
    assert len(set(ids)) == len(ids)  # one email per delivery, none doubled
