"""Payments through billing's API against localstripe (the `stripe_sandbox` fixture) and PostgreSQL
(R-PAY-1..4): saved cards, the client's and the manager's payments, declines that change nothing,
refunds, roles and tenants, a retried request and a crash recovered by asking Stripe."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
import pytest_asyncio
import stripe
from billing.adapters.payments_units import card_processor, units_for
from billing.adapters.unit_of_work import SqlUnitOfWork
from billing.domain.invoices import visit_line
from billing.entrypoints import payments_jobs
from billing.service_layer import invoice_effects
from billing.service_layer import payments as pay
from billing.service_layer.context import Context
from billing.spec import SPEC
from petcare_kit.identity import Identity, Role
from petcare_kit.unit_of_work import UnitOfWork
from petcare_tools.testing.service import ServiceUnderTest, serve_in_process

from .invoice_world import World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="session")
SUCCEEDED, REFUNDED = "billing.payment.succeeded", "billing.payment.refunded"


@pytest_asyncio.fixture(loop_scope="session")
async def paying(database_url: str, kafka_bootstrap_servers: str,
                 stripe_sandbox: str) -> AsyncIterator[ServiceUnderTest]:
    async with serve_in_process(SPEC, database_url, kafka_bootstrap_servers,
                                stripe_api_base=stripe_sandbox) as service:
        yield service


async def invoice(service: ServiceUnderTest, world: World, *prices: int, sent: bool = True,
                  client_id: UUID | None = None) -> UUID:
    async with UnitOfWork(service.runtime.sessions) as uow:
        ctx = Context(SqlUnitOfWork(uow), Identity(Role.INTERNAL, company_id=world.company_id))
        created = await invoice_effects.new_invoice(ctx, world.company_id, client_id or world.client_id, uuid4())
        for price in prices:
            created.add_line(visit_line(visit_id=uuid4(), description="Walk", service_price_cents=price,
                                        taxable=False, visit_date=date(2026, 3, 10)))
        created.sent = sent
        await invoice_effects.save_and_publish(ctx, created, new=True)
        await uow.commit()
    return created.id


async def paid_and_balance(service: ServiceUnderTest, invoice_id: UUID) -> tuple[int, int]:
    [row] = await service.sql("SELECT paid_cents - refunded_cents AS paid, balance_cents FROM invoices WHERE id = :id",
                              id=invoice_id)
    return row.paid, row.balance_cents


async def save_card(service: ServiceUnderTest, who: Identity, pm: str, client_id: UUID | None = None) -> dict[str, Any]:
    path = "/portal/cards" if client_id is None else f"/clients/{client_id}/cards"
    answer = await service.as_(who).post(path, json={"payment_method_id": pm})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def events(service: ServiceUnderTest, kind: str, since: int = 0) -> list[dict[str, Any]]:
    return [e["data"] for e in await service.outbox("billing.events", since=since) if e["type"] == kind]


def stripe_client(service: ServiceUnderTest) -> stripe.StripeClient:
    return card_processor(service.settings).client  # type: ignore[arg-type]


async def test_r_pay_4_a_card_is_saved_as_stripe_ids_brand_last4_and_expiry_only(paying: ServiceUnderTest) -> None:
    world = await make_world(paying)
    card = await save_card(paying, world.client, "pm_card_visa")
    assert (card["brand"], card["last4"], card["client_id"]) == ("visa", "4242", str(world.client_id))
    [row] = await paying.sql("SELECT * FROM saved_cards WHERE id = :id", id=UUID(card["id"]))
    assert set(row._mapping) == {"id", "company_id", "client_id", "customer_id", "payment_method_id", "brand",
                                 "last4", "exp_month", "exp_year", "created_at"}  # no card number anywhere
    customer = await stripe_client(paying).v1.customers.retrieve_async(row.customer_id)
    assert customer.metadata is not None
    assert customer.metadata.to_dict() == {"company_id": str(world.company_id), "client_id": str(world.client_id)}
    manager_saved = await save_card(paying, world.admin, "pm_card_visa", world.client_id)
    listed = (await paying.as_(world.office_manager).get(f"/clients/{world.client_id}/cards")).json()
    assert [c["id"] for c in listed] == [card["id"], manager_saved["id"]]
    assert (await paying.as_(world.client).delete(f"/portal/cards/{card['id']}")).status_code == 204
    assert [c["id"] for c in (await paying.as_(world.client).get("/portal/cards")).json()] == [manager_saved["id"]]


async def test_r_pay_1_and_r_pay_2_the_client_pays_half_with_a_tip_then_the_admin_charges_the_rest(
        paying: ServiceUnderTest) -> None:
    world = await make_world(paying)
    invoice_id = await invoice(paying, world, 4_000)
    card = await save_card(paying, world.client, "pm_card_visa")
    since = await paying.last_seq()
    answer = await paying.as_(world.client).post("/portal/payments", json={
        "card_id": card["id"], "invoices": [{"invoice_id": str(invoice_id), "amount_cents": 2_000}], "tip_cents": 500})
    assert answer.status_code == 201, answer.text
    payment = answer.json()
    assert (payment["status"], payment["amount_cents"], payment["initiated_by"]) == ("succeeded", 2_500, "client")
    assert await paid_and_balance(paying, invoice_id) == (2_500, 2_000)  # the tip went on the invoice
    [event] = await events(paying, SUCCEEDED, since)
    assert (event["payment_id"], event["amount_cents"], event["tip_cents"], event["initiated_by"]) == (
        payment["id"], 2_500, 500, "client")
    intent = await stripe_client(paying).v1.payment_intents.retrieve_async(
        (await paying.sql("SELECT payment_intent_id FROM payments WHERE id = :id", id=UUID(payment["id"])))[0][0])
    assert (intent.status, intent.amount, (intent.metadata or {})["attempt_id"]) == ("succeeded", 2_500, payment["id"])

    charged = await paying.as_(world.office_manager).post(f"/clients/{world.client_id}/payments", json={
        "card_id": card["id"], "invoices": [{"invoice_id": str(invoice_id)}]})
    assert charged.status_code == 201, charged.text
    assert (charged.json()["amount_cents"], charged.json()["initiated_by"]) == (2_000, "business")
    assert await paid_and_balance(paying, invoice_id) == (4_500, 0)
    assert [e["initiated_by"] for e in await events(paying, SUCCEEDED, since)] == ["client", "business"]
    listed = (await paying.as_(world.client).get("/portal/payments")).json()["items"]
    assert [p["amount_cents"] for p in listed] == [2_000, 2_500]


async def test_r_pay_3_a_declined_card_says_why_and_changes_nothing(paying: ServiceUnderTest) -> None:
    world = await make_world(paying)
    invoice_id = await invoice(paying, world, 3_000)
    card = await save_card(paying, world.client, "pm_card_chargeCustomerFail")
    since = await paying.last_seq()
    answer = await paying.as_(world.client).post("/portal/payments", json={
        "card_id": card["id"], "invoices": [{"invoice_id": str(invoice_id)}]})
    assert answer.status_code == 402, answer.text
    error = answer.json()["error"]
    assert error["code"] == "card_declined" and "declined" in error["message"]
    assert error["details"]["decline_code"] == "card_declined"
    assert await paid_and_balance(paying, invoice_id) == (0, 3_000)
    assert await paying.outbox("billing.events", since=since) == []  # no invoice change, no payment event


async def test_r_pay_3_a_card_needing_authentication_is_refused_with_a_clear_code(paying: ServiceUnderTest) -> None:
    world = await make_world(paying)
    invoice_id = await invoice(paying, world, 3_000)
    method = await stripe_client(paying).v1.payment_methods.create_async(params={
        "type": "card", "card": {"number": "4000002500003155", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    card = await save_card(paying, world.admin, method.id, world.client_id)
    since = await paying.last_seq()
    answer = await paying.as_(world.admin).post(f"/clients/{world.client_id}/payments", json={
        "card_id": card["id"], "invoices": [{"invoice_id": str(invoice_id)}]})
    assert answer.status_code == 402 and answer.json()["error"]["code"] == "card_requires_authentication"
    assert await paid_and_balance(paying, invoice_id) == (0, 3_000)
    assert await paying.outbox("billing.events", since=since) == []


async def test_r_pay_3_a_partial_then_full_refund_reduces_what_was_paid(paying: ServiceUnderTest) -> None:
    world = await make_world(paying)
    invoice_id = await invoice(paying, world, 3_000)
    card = await save_card(paying, world.client, "pm_card_visa")
    payment = (await paying.as_(world.admin).post(f"/clients/{world.client_id}/payments", json={
        "card_id": card["id"], "invoices": [{"invoice_id": str(invoice_id)}]})).json()
    client_refund = await paying.as_(world.client).post(f"/payments/{payment['id']}/refunds", json={})
    assert client_refund.status_code == 403
    key = {"Idempotency-Key": "refund-1"}
    part = await paying.as_(world.admin).post(f"/payments/{payment['id']}/refunds", json={"amount_cents": 1_000},
                                              headers=key)
    assert part.status_code == 201 and part.json()["status"] == "succeeded", part.text
    retried = await paying.as_(world.admin).post(f"/payments/{payment['id']}/refunds", json={"amount_cents": 1_000},
                                                 headers=key)
    assert retried.status_code == 201 and retried.json()["id"] == part.json()["id"]  # refunded once
    assert await paid_and_balance(paying, invoice_id) == (2_000, 1_000)
    too_much = await paying.as_(world.admin).post(f"/payments/{payment['id']}/refunds", json={"amount_cents": 2_001})
    assert too_much.status_code == 422 and too_much.json()["error"]["code"] == "refund_exceeds_payment"
    rest = await paying.as_(world.admin).post(f"/payments/{payment['id']}/refunds", json={})
    assert rest.status_code == 201 and rest.json()["amount_cents"] == 2_000
    assert await paid_and_balance(paying, invoice_id) == (0, 3_000)
    assert [e["amount_cents"] for e in await events(paying, REFUNDED)
            if e["payment_id"] == payment["id"]] == [1_000, 2_000]
    seen = (await paying.as_(world.admin).get(f"/payments/{payment['id']}")).json()
    assert (seen["refunded_cents"], [r["status"] for r in seen["refunds"]]) == (3_000, ["succeeded", "succeeded"])


async def test_r_pay_1_roles_and_tenants_a_client_pays_and_sees_only_their_own(paying: ServiceUnderTest) -> None:
    world, elsewhere = await make_world(paying), await make_world(paying)
    theirs = await invoice(paying, world, 1_000, client_id=world.other_client_id)
    draft = await invoice(paying, world, 1_000, sent=False)
    card = await save_card(paying, world.client, "pm_card_visa")
    pay_body = {"card_id": card["id"], "invoices": [{"invoice_id": str(theirs)}]}
    assert (await paying.as_(world.client).post("/portal/payments", json=pay_body)).status_code == 404
    draft_body = {"card_id": card["id"], "invoices": [{"invoice_id": str(draft)}]}
    not_sent = await paying.as_(world.client).post("/portal/payments", json=draft_body)
    assert not_sent.status_code in (404, 409, 422) and not_sent.json()["error"]["code"] == "invoice_not_payable"
    assert (await paying.as_(world.staff).get(f"/clients/{world.client_id}/cards")).status_code == 403
    for who in (world.staff, world.client):
        refused = await paying.as_(who).post(f"/clients/{world.client_id}/payments", json=draft_body)
        assert refused.status_code == 403
    stranger = await paying.as_(elsewhere.admin).get(f"/clients/{world.client_id}/cards")
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "client_not_found"
    foreign_card = await paying.as_(elsewhere.admin).post(f"/clients/{world.client_id}/payments", json=draft_body)
    assert foreign_card.status_code == 404
    bad = await paying.as_(world.client).post("/portal/payments", json={**pay_body, "tip_cents": -1})
    assert bad.status_code == 422 and set(bad.json()["error"]) >= {"code", "message"}
    bad_pm = await paying.as_(world.client).post("/portal/cards", json={"payment_method_id": "4242424242424242"})
    assert bad_pm.status_code == 422


async def test_r_pay_3_a_retried_request_with_its_idempotency_key_charges_once(paying: ServiceUnderTest) -> None:
    world = await make_world(paying)
    invoice_id = await invoice(paying, world, 1_500)
    card = await save_card(paying, world.client, "pm_card_visa")
    body = {"card_id": card["id"], "invoices": [{"invoice_id": str(invoice_id), "amount_cents": 500}]}
    first = await paying.as_(world.client).post("/portal/payments", json=body, headers={"Idempotency-Key": "pay-1"})
    again = await paying.as_(world.client).post("/portal/payments", json=body, headers={"Idempotency-Key": "pay-1"})
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert await paid_and_balance(paying, invoice_id) == (500, 1_000)


class Crash(Exception):
    pass


async def test_r_pay_3_a_crash_after_stripe_charged_is_recorded_once_by_the_recovery_job(
        paying: ServiceUnderTest) -> None:
    world = await make_world(paying)
    invoice_id = await invoice(paying, world, 2_000)
    card = await save_card(paying, world.client, "pm_card_visa")
    processor = card_processor(paying.settings)  # type: ignore[arg-type]
    units = units_for(paying.runtime.sessions, world.client)

    def crash(*_: object) -> None:
        raise Crash

    request = pay.PaymentRequest(world.client_id, UUID(card["id"]), [(invoice_id, None)], 0, "client")
    with pytest.raises(Crash):
        await pay.take_payment(units, processor, request, after_confirm=crash)
    [row] = await paying.sql("SELECT id, status, payment_intent_id FROM payments WHERE client_id = :c",
                             c=world.client_id)
    assert row.status == "intent_created" and await paid_and_balance(paying, invoice_id) == (0, 2_000)
    assert await payments_jobs.recover_once(paying.runtime.sessions, processor, lease_seconds=60) == 0  # not due yet
    await paying.sql("UPDATE payments SET recover_at = now() - interval '1 second' WHERE id = :id", id=row.id)
    assert await payments_jobs.recover_once(paying.runtime.sessions, processor, lease_seconds=60) == 1
    assert await payments_jobs.recover_once(paying.runtime.sessions, processor, lease_seconds=60) == 0
    assert (await paying.sql("SELECT status FROM payments WHERE id = :id", id=row.id))[0].status == "succeeded"
    assert await paid_and_balance(paying, invoice_id) == (2_000, 0)
    assert [e["payment_id"] for e in await events(paying, SUCCEEDED)
            if e["client_id"] == str(world.client_id)] == [str(row.id)]
    intent = await processor.client.v1.payment_intents.retrieve_async(row.payment_intent_id)
    assert intent.status == "succeeded"


async def test_r_pay_3_an_idempotency_key_reused_with_another_body_is_refused(paying: ServiceUnderTest) -> None:
    world = await make_world(paying)
    invoice_id = await invoice(paying, world, 3_000)
    card = await save_card(paying, world.client, "pm_card_visa")
    admin, key = paying.as_(world.admin), {"Idempotency-Key": "pay-reused"}
    url = f"/clients/{world.client_id}/payments"
    body = {"card_id": card["id"], "invoices": [{"invoice_id": str(invoice_id), "amount_cents": 100}]}
    first = await admin.post(url, json=body, headers=key)
    assert first.status_code == 201, first.text
    other = {**body, "invoices": [{"invoice_id": str(invoice_id), "amount_cents": 200}]}
    reused = await admin.post(url, json=other, headers=key)
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "idempotency_key_reused"
    assert await paid_and_balance(paying, invoice_id) == (100, 2_900)
    refunds, refund_key = f"/payments/{first.json()['id']}/refunds", {"Idempotency-Key": "refund-reused"}
    part = await admin.post(refunds, json={"amount_cents": 40}, headers=refund_key)
    assert part.status_code == 201, part.text
    again = await admin.post(refunds, json={"amount_cents": 60}, headers=refund_key)
    assert again.status_code == 422 and again.json()["error"]["code"] == "idempotency_key_reused"
    same = await admin.post(refunds, json={"amount_cents": 40}, headers=refund_key)
    assert same.status_code == 201 and same.json()["id"] == part.json()["id"]
    assert await paid_and_balance(paying, invoice_id) == (60, 2_940)


async def test_r_pay_4_an_unknown_payment_method_is_422_with_a_message_a_person_can_act_on(
        paying: ServiceUnderTest) -> None:
    world = await make_world(paying)
    for who, path in ((world.client, "/portal/cards"), (world.admin, f"/clients/{world.client_id}/cards")):
        answer = await paying.as_(who).post(path, json={"payment_method_id": "pm_does_not_exist"})
        error = answer.json()["error"]
        assert answer.status_code == 422 and error["code"] == "invalid_payment_method", answer.text
        assert "not found" not in error["message"].lower()[:10] and "enter the card again" in error["message"]
    assert (await paying.as_(world.admin).get(f"/clients/{world.client_id}/cards")).json() == []
