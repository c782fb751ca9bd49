"""Payments on fakes (R-PAY-1..4): saved cards, the two-step attempt that never charges twice,
declines, recovery after a crash at every step, refunds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date
from uuid import UUID, uuid4

import pytest
from billing.domain.invoices import Invoice, InvoiceNotPayable, visit_line
from billing.domain.payments import (
    AttemptStatus,
    CardDeclined,
    CardNotFound,
    CardProcessorUnavailable,
    ChargeOutcome,
    ClientNotFound,
    PaymentAttempt,
    PaymentInProgress,
    RefundExceedsPayment,
)
from billing.service_layer import invoice_effects, payments_cards, payments_recovery, payments_refunds
from billing.service_layer import payments as pay
from billing.service_layer.context import Context
from billing.service_layer.payments_commands import SaveCard
from billing.service_layer.payments_ports import ClientContact
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork
from .fakes_payments import FakeCardProcessor

SUCCEEDED = "billing.payment.succeeded"


class Crash(Exception):
    """kill -9 stand-in: nothing after it runs."""


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()
        self.company_id, self.client_id = uuid4(), uuid4()
        self.stripe = FakeCardProcessor()
        self.uow.payments.clients[self.company_id, self.client_id] = ClientContact(self.client_id, "Ann", "a@x.org")
        self.identity = Identity(Role.CLIENT, person_id=self.client_id, company_id=self.company_id)

    def ctx(self, identity: Identity | None = None) -> Context:
        return Context(self.uow, identity or self.identity)

    def units(self, identity: Identity | None = None):  # type: ignore[no-untyped-def]
        @asynccontextmanager
        async def unit() -> AsyncIterator[Context]:
            yield self.ctx(identity)
        return unit

    async def invoice(self, *prices: int, sent: bool = True) -> Invoice:
        ctx = Context(self.uow, Identity(Role.INTERNAL, company_id=self.company_id))
        invoice = await invoice_effects.new_invoice(ctx, self.company_id, self.client_id, uuid4())
        for price in prices:
            invoice.add_line(visit_line(visit_id=uuid4(), description="Walk", service_price_cents=price,
                                        taxable=False, visit_date=date(2026, 3, 10)))
        invoice.sent = sent
        await invoice_effects.save_and_publish(ctx, invoice, new=True)
        return invoice

    async def card(self, pm: str = "pm_card_visa") -> UUID:
        command = SaveCard(payment_method_id=pm)
        return (await payments_cards.save_card(self.ctx(), self.stripe, self.client_id, command)).id

    async def balance(self, invoice_id: UUID) -> tuple[int, int]:
        stored = await self.uow.invoices.get(self.company_id, invoice_id)
        return stored.totals().paid_cents, stored.totals().balance_cents

    def request(self, card_id: UUID, *asked: tuple[UUID, int | None], tip: int = 0, key: str | None = None,
                by: str = "client") -> pay.PaymentRequest:
        return pay.PaymentRequest(self.client_id, card_id, asked, tip, by, key)  # type: ignore[arg-type]


@pytest.fixture
def world() -> World:
    return World()


async def test_r_pay_4_a_saved_card_keeps_only_stripe_ids_brand_last4_and_expiry(world: World) -> None:
    card_id = await world.card()
    [card] = await payments_cards.list_cards(world.ctx(), world.client_id)
    assert (card.id, card.payment_method_id, card.brand, card.last4, card.exp_year) == (
        card_id, "pm_card_visa", "visa", "4242", 2030)
    assert card.customer_id == "cus_1" and not hasattr(card, "number")
    await world.card("pm_card_chargeCustomerFail")  # the second card reuses the client's customer
    assert world.stripe.customers == ["cus_1"]
    await payments_cards.remove_card(world.ctx(), world.stripe, world.client_id, card_id)
    assert [c.payment_method_id for c in await payments_cards.list_cards(world.ctx(), world.client_id)] == [
        "pm_card_chargeCustomerFail"]
    assert "pm_card_visa" not in world.stripe.attached
    with pytest.raises(CardNotFound):
        await payments_cards.remove_card(world.ctx(), world.stripe, uuid4(), card_id)
    with pytest.raises(ClientNotFound):
        await payments_cards.save_card(world.ctx(), world.stripe, uuid4(), SaveCard(payment_method_id="pm_card_visa"))
    with pytest.raises(CardDeclined):
        await world.card("pm_card_visa_chargeDeclined")
    other = uuid4()
    world.uow.payments.clients[world.company_id, other] = ClientContact(other, "Bo", None)
    with pytest.raises(CardDeclined):  # refused on the first card: the customer is kept for the next
        await payments_cards.save_card(world.ctx(), world.stripe, other,
                                       SaveCard(payment_method_id="pm_card_visa_chargeDeclined"))
    await payments_cards.save_card(world.ctx(), world.stripe, other, SaveCard(payment_method_id="pm_card_visa"))
    assert world.stripe.customers == ["cus_1", "cus_2"]


async def test_r_pay_1_the_client_pays_part_of_one_invoice_and_all_of_another_with_a_tip(world: World) -> None:
    first, second = await world.invoice(4_000), await world.invoice(2_500)
    card = await world.card()
    attempt = await pay.take_payment(world.units(), world.stripe,
                                     world.request(card, (first.id, 1_500), (second.id, None), tip=300))
    assert attempt.status == AttemptStatus.SUCCEEDED and attempt.amount_cents == 4_300
    assert [i.amount_cents for i in world.stripe.succeeded()] == [4_300]
    assert await world.balance(first.id) == (1_800, 2_500)  # the tip is on the first invoice
    assert await world.balance(second.id) == (2_500, 0)
    [event] = world.uow.events(SUCCEEDED)
    assert (event["amount_cents"], event["tip_cents"], event["initiated_by"], event["card_last4"]) == (
        4_300, 300, "client", "4242")
    assert event["invoice_ids"] == [str(first.id), str(second.id)]


async def test_r_pay_1_a_client_pays_only_invoices_they_were_sent(world: World) -> None:
    draft = await world.invoice(1_000, sent=False)
    card = await world.card()
    with pytest.raises(InvoiceNotPayable):
        await pay.take_payment(world.units(), world.stripe, world.request(card, (draft.id, None)))
    manager = Identity(Role.ADMIN, person_id=uuid4(), company_id=world.company_id)
    attempt = await pay.take_payment(world.units(manager), world.stripe,
                                     world.request(card, (draft.id, None), by="business"))
    assert attempt.status == AttemptStatus.SUCCEEDED
    assert world.uow.events(SUCCEEDED)[0]["initiated_by"] == "business"  # R-PAY-2 → R-EMAIL-4


async def test_r_pay_3_a_declined_card_changes_nothing_and_says_why(world: World) -> None:
    invoice = await world.invoice(2_000)
    card = await world.card("pm_card_chargeCustomerFail")
    events = len(world.uow.published)
    attempt = await pay.take_payment(world.units(), world.stripe, world.request(card, (invoice.id, None)))
    assert (attempt.status, attempt.failure_code) == (AttemptStatus.DECLINED, "card_declined")
    assert "declined" in (attempt.failure_message or "")
    assert await world.balance(invoice.id) == (0, 2_000)
    assert len(world.uow.published) == events  # no invoice change, no payment event (no email)


async def test_r_pay_3_a_card_needing_authentication_is_not_charged_and_its_intent_cancelled(world: World) -> None:
    invoice = await world.invoice(2_000)
    card = await world.card("pm_card_authenticationRequired")
    attempt = await pay.take_payment(world.units(), world.stripe, world.request(card, (invoice.id, None)))
    assert attempt.status == AttemptStatus.REQUIRES_ACTION
    assert [i.status for i in world.stripe.intents.values()] == ["canceled"]
    assert await world.balance(invoice.id) == (0, 2_000) and world.uow.events(SUCCEEDED) == []


async def test_r_pay_3_a_retried_request_resumes_its_attempt_and_never_charges_twice(world: World) -> None:
    invoice = await world.invoice(2_000)
    card = await world.card()
    world.stripe.lose_confirm_answer = True  # charged, but the answer is lost
    first = await pay.take_payment(world.units(), world.stripe, world.request(card, (invoice.id, None), key="k1"))
    assert first.status == AttemptStatus.INTENT_CREATED and await world.balance(invoice.id) == (0, 2_000)
    world.stripe.lose_confirm_answer = False
    again = await pay.take_payment(world.units(), world.stripe, world.request(card, (invoice.id, None), key="k1"))
    assert (again.id, again.status) == (first.id, AttemptStatus.SUCCEEDED)
    assert world.stripe.confirmations == 1 and len(world.stripe.succeeded()) == 1
    assert await world.balance(invoice.id) == (2_000, 0) and len(world.uow.events(SUCCEEDED)) == 1
    third = await pay.take_payment(world.units(), world.stripe, world.request(card, (invoice.id, None), key="k1"))
    assert third.id == first.id and len(world.uow.events(SUCCEEDED)) == 1


async def test_r_pay_3_a_second_payment_of_an_invoice_waits_for_the_open_one(world: World) -> None:
    invoice = await world.invoice(2_000)
    card = await world.card()
    async with world.units()() as ctx:
        await pay.begin(ctx, world.request(card, (invoice.id, 500)))
    with pytest.raises(PaymentInProgress):
        await pay.take_payment(world.units(), world.stripe, world.request(card, (invoice.id, 500)))


@pytest.mark.parametrize("crash_at", ["after_begin", "after_create", "after_note", "after_confirm"])
async def test_r_pay_3_a_crash_at_any_step_is_recovered_once_by_asking_stripe(world: World, crash_at: str) -> None:
    invoice = await world.invoice(2_000)
    card = await world.card()
    stripe = world.stripe
    real_create, real_note = stripe.create_intent, pay.note_intent

    async def create_then_crash(**kwargs: object) -> str:
        await real_create(**kwargs)  # type: ignore[arg-type]
        raise Crash

    def crash(*_: object) -> None:
        raise Crash

    request = world.request(card, (invoice.id, None))
    with pytest.raises(Crash):
        if crash_at == "after_begin":
            async with world.units()() as ctx:
                await pay.begin(ctx, request)
            raise Crash
        if crash_at == "after_create":
            stripe.create_intent = create_then_crash  # type: ignore[method-assign]
        if crash_at == "after_note":
            async def note_then_crash(*args: object, **kwargs: object) -> PaymentAttempt | None:
                await real_note(*args, **kwargs)  # type: ignore[arg-type]
                raise Crash
            pay.note_intent = note_then_crash  # type: ignore[assignment]
        try:
            await pay.take_payment(world.units(), stripe, request,
                                   after_confirm=crash if crash_at == "after_confirm" else None)
        finally:
            pay.note_intent = real_note  # type: ignore[assignment]
    [attempt] = world.uow.payments.attempts.values()
    assert attempt.is_open
    system = Identity(Role.INTERNAL, company_id=world.company_id)
    for _ in range(2):  # replicas or runs after one another: recorded once
        recovered = await payments_recovery.recover_attempt(world.units(system), stripe, attempt.id)
    charged = crash_at == "after_confirm"
    assert recovered.status == (AttemptStatus.SUCCEEDED if charged else AttemptStatus.NOT_CHARGED)
    assert len(stripe.succeeded()) == int(charged) and stripe.confirmations == int(charged)
    assert await world.balance(invoice.id) == ((2_000, 0) if charged else (0, 2_000))
    assert len(world.uow.events(SUCCEEDED)) == int(charged)


async def test_r_pay_3_refunds_in_part_then_the_rest_reduce_what_was_paid(world: World) -> None:
    first, second = await world.invoice(2_000), await world.invoice(1_000)
    card = await world.card()
    manager = Identity(Role.ADMIN, person_id=uuid4(), company_id=world.company_id)
    paid = await pay.take_payment(world.units(manager), world.stripe,
                                  world.request(card, (first.id, None), (second.id, None), by="business"))
    part = await payments_refunds.refund_payment(world.units(manager), world.stripe, paid.id, 1_200)
    assert part.status == "succeeded"
    assert await world.balance(second.id) == (0, 1_000)  # the last invoice first
    assert await world.balance(first.id) == (1_800, 200)
    with pytest.raises(RefundExceedsPayment):
        await payments_refunds.refund_payment(world.units(manager), world.stripe, paid.id, 1_801)
    await payments_refunds.refund_payment(world.units(manager), world.stripe, paid.id, None)
    assert await world.balance(first.id) == (0, 2_000)
    events = world.uow.events("billing.payment.refunded")
    assert [e["amount_cents"] for e in events] == [1_200, 1_800]
    async with world.units(manager)() as ctx:
        assert (await pay.payment(ctx, paid.id)).refunded_cents == 3_000


async def test_r_pay_3_a_refund_cut_off_by_a_crash_is_recorded_once_if_stripe_made_it(world: World) -> None:
    invoice = await world.invoice(2_000)
    card = await world.card()
    manager = Identity(Role.ADMIN, person_id=uuid4(), company_id=world.company_id)
    paid = await pay.take_payment(world.units(manager), world.stripe, world.request(card, (invoice.id, None)))
    async with world.units(manager)() as ctx:
        refund, intent = await payments_refunds.begin(ctx, paid.id, 500)
    await world.stripe.refund(payment_intent_id=intent, amount_cents=500, refund_id=str(refund.id))  # then a crash
    async with world.units(manager)() as ctx:
        lost, _ = await payments_refunds.begin(ctx, paid.id, 300)  # a crash before Stripe heard of it
    for _ in range(2):
        await payments_recovery.recover_refund(world.units(manager), world.stripe, refund.id)
        await payments_recovery.recover_refund(world.units(manager), world.stripe, lost.id)
    assert await world.balance(invoice.id) == (1_500, 500)
    assert [r.status for _, r in world.uow.payments.refunds.values()] == ["succeeded", "failed"]


async def test_r_pay_3_a_charge_the_invoices_can_no_longer_take_is_kept_for_a_refund(world: World) -> None:
    invoice = await world.invoice(2_000)
    card = await world.card()
    async with world.units()() as ctx:
        attempt = await pay.begin(ctx, world.request(card, (invoice.id, None)))
    await invoice_effects.record_payment(Context(world.uow, Identity(Role.INTERNAL, company_id=world.company_id)),
                                         uuid4(), world.client_id, {invoice.id: 2_000})  # paid meanwhile
    attempt = replace(attempt, status=AttemptStatus.INTENT_CREATED, payment_intent_id="pi_x")
    await world.uow.payments.save_attempt(attempt)
    recorded = await pay.record(world.units(), attempt.id, ChargeOutcome("succeeded", "pi_x"))
    assert (recorded.status, recorded.failure_code) == (AttemptStatus.CHARGED_UNAPPLIED, "payment_exceeds_balance")
    assert world.uow.events(SUCCEEDED) == []


async def test_r_pay_3_stripe_unreachable_before_the_charge_closes_the_attempt_as_not_charged(world: World) -> None:
    invoice = await world.invoice(2_000)
    card = await world.card()
    world.stripe.down = True
    with pytest.raises(CardProcessorUnavailable):
        await pay.take_payment(world.units(), world.stripe, world.request(card, (invoice.id, None)))
    [attempt] = world.uow.payments.attempts.values()
    assert attempt.status == AttemptStatus.NOT_CHARGED and await world.balance(invoice.id) == (0, 2_000)
    world.stripe.down = False  # the invoice can be paid again at once: nothing is left open
    paid = await pay.take_payment(world.units(), world.stripe, world.request(card, (invoice.id, None)))
    assert paid.status == AttemptStatus.SUCCEEDED and len(world.stripe.succeeded()) == 1
