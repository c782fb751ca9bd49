"""R-PAY-3: billing dies (like kill -9) between Stripe's charge and its own commit, and is restarted:
the payment is recorded once, the invoice shows it once, and Stripe holds exactly one succeeded
payment intent for it — recovered by asking Stripe, never by charging again.

Real processes on the real broker: a private localstripe (its own state) and billing, with the
fault-injection setting BILLING_FAULT_EXIT_AFTER_STRIPE_CONFIRM (off by default, refused in
production) that makes the process exit at once right after Stripe confirmed the payment intent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import stripe
from aiokafka import AIOKafkaProducer
from petcare_contracts import EventPayload, envelope_headers, new_envelope
from petcare_contracts.events.clients import ClientAdded, CompanyRegistered, StaffAdded
from petcare_contracts.events.common import Contact
from petcare_kit.identity import Identity, Role, sign_identity
from petcare_kit.kafka import ensure_topics
from petcare_tools.testing.sandboxes import run_stripe_sandbox
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from suite.suite_harness import INTERNAL_AUTH_SECRET, Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
FAST_RECOVERY = {"BILLING_PAYMENT_RECOVER_AFTER_SECONDS": "2", "BILLING_PAYMENTS_JOB_INTERVAL_SECONDS": "0.5"}


async def publish(bootstrap: str, company_id: UUID, payloads: list[EventPayload]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")
    await producer.start()
    try:
        for payload in payloads:
            envelope = new_envelope(payload, company_id=company_id, correlation_id="suite-payment-crash")
            await producer.send_and_wait(payload.topic, envelope.model_dump_json().encode(),
                                         key=str(company_id).encode(), headers=envelope_headers(envelope))
    finally:
        await producer.stop()


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 120, what: str = "condition") -> Any:
    """`check()`'s first truthy result, polled. 120 s by default: billing's consumer may first wait for
    the group to let go of an earlier test's billing, then read that test's backlog, on a loaded machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what} not reached in {timeout}s (last: {await check()!r})")


async def test_r_pay_3_billing_killed_between_the_charge_and_the_commit_records_the_payment_once(
        processes, kafka_bootstrap_servers, postgres_admin_url):  # type: ignore[no-untyped-def]
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    await ensure_topics(kafka_bootstrap_servers, {t: 4 for t in ("clients.events", "scheduling.events",
                                                                 "texting.events", "billing.events")})
    with run_stripe_sandbox() as stripe_url:
        billing = await suite.start("billing", STRIPE_API_BASE=stripe_url,
                                    BILLING_FAULT_EXIT_AFTER_STRIPE_CONFIRM="true", **FAST_RECOVERY)
        company_id, admin_id, client_id = uuid4(), uuid4(), uuid4()
        admin = Identity(Role.ADMIN, person_id=admin_id, company_id=company_id)
        await publish(kafka_bootstrap_servers, company_id, [
            CompanyRegistered(company_id=company_id, name="Crash Paws", slug=f"crash-{company_id.hex[:8]}",
                              time_zone="America/New_York", first_admin_id=admin_id),
            StaffAdded(staff_id=admin_id, role="admin", contact=Contact(first_name="Olive", last_name="Owner",
                                                                        emails=["o@example.com"], phones=[])),
            ClientAdded(client_id=client_id, contact=Contact(first_name="Ada", last_name="Lovelace",
                                                             emails=["crash-ada@example.com"], phones=[]))])

        async with httpx.AsyncClient(base_url=billing, timeout=30) as http:
            async def call(method: str, path: str, **kw: Any) -> httpx.Response:
                headers = sign_identity(admin, secret=INTERNAL_AUTH_SECRET, method=method, path=path.split("?")[0])
                return await http.request(method, path, headers={**headers, **kw.pop("headers", {})}, **kw)

            async def client_known() -> bool:
                return (await call("GET", f"/clients/{client_id}/cards")).status_code == 200

            await eventually(client_known, what="the client in billing's directory")
            created = await call("POST", "/invoices", json={"client_id": str(client_id)})
            assert created.status_code == 201, created.text
            invoice_id = created.json()["id"]
            line = await call("POST", f"/invoices/{invoice_id}/lines",
                              json={"description": "Walks", "unit_cents": 4_000})
            assert line.status_code == 201, line.text
            card = await call("POST", f"/clients/{client_id}/cards", json={"payment_method_id": "pm_card_visa"})
            assert card.status_code == 201, card.text
            body = {"card_id": card.json()["id"], "invoices": [{"invoice_id": invoice_id}]}
            key = {"Idempotency-Key": f"crash-{uuid4()}"}

            # Stripe charges; billing dies before it commits the outcome: the caller gets no answer.
            with pytest.raises(httpx.HTTPError):
                await call("POST", f"/clients/{client_id}/payments", json=body, headers=key)
            await eventually(lambda: _exited(processes), timeout=60, what="billing's exit")
            suite.kill("billing")  # already gone: marks it as stopped on purpose
            [attempt] = await _payments(suite)
            assert attempt.status == "intent_created"  # charged at Stripe, not recorded here

            await suite.restart("billing", BILLING_FAULT_EXIT_AFTER_STRIPE_CONFIRM="false")

            async def recorded() -> list[Any]:
                rows = await _payments(suite)
                return rows if rows and rows[0].status == "succeeded" else []

            [payment] = await eventually(recorded, what="the payment recovered by the job")
            assert payment.id == attempt.id and payment.amount_cents == 4_000
            invoice = (await call("GET", f"/invoices/{invoice_id}")).json()
            assert (invoice["status"], invoice["totals"]["paid_cents"], invoice["totals"]["balance_cents"]) == (
                "paid", 4_000, 0)
            events = await _payment_events(suite)
            assert events == [str(payment.id)]  # one confirmation (R-EMAIL-4), one payment

            # The caller retries with the same key: the same payment, nothing charged again.
            again = await call("POST", f"/clients/{client_id}/payments", json=body, headers=key)
            assert again.status_code == 201 and again.json()["id"] == str(payment.id), again.text

        intents = await _intents(stripe_url)
        assert [(i.status, i.amount) for i in intents] == [("succeeded", 4_000)]
        assert intents[0].id == payment.payment_intent_id
        assert intents[0].metadata is not None and intents[0].metadata["attempt_id"] == str(payment.id)
        assert len(await _payments(suite)) == 1 and await _payment_events(suite) == [str(payment.id)]


def _exited(processes: Any) -> Awaitable[bool]:
    async def check() -> bool:
        return not processes["billing"].is_running
    return check()


async def _payments(suite: Suite) -> list[Any]:
    engine = create_async_engine(suite.databases["billing"])
    try:
        async with engine.connect() as connection:
            return list(await connection.execute(text(
                "SELECT id, status, amount_cents, payment_intent_id FROM payments ORDER BY created_at")))
    finally:
        await engine.dispose()


async def _payment_events(suite: Suite) -> list[str]:
    engine = create_async_engine(suite.databases["billing"])
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text(
                "SELECT convert_from(value, 'UTF8')::jsonb AS e FROM outbox ORDER BY seq"))
            return [row.e["data"]["payment_id"] for row in rows if row.e.get("type") == "billing.payment.succeeded"]
    finally:
        await engine.dispose()


async def _intents(stripe_url: str) -> list[Any]:
    client = stripe.StripeClient("sk_test_suite", base_addresses={"api": stripe_url}, http_client=stripe.HTTPXClient(),
                                 max_network_retries=0)
    page = await client.v1.payment_intents.list_async(params={"limit": 100})
    return list(page.data)
