"""What payments and packages do to invoices (R-PAY-1..3, R-PKG-1, R-INV-3) on fakes, and the one
publishing helper: billing.invoice.updated v2 (whole state, revision + 1) on every change,
billing.invoice.visits_changed v1 when the visit set changes, never an email (R-NEVER-1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from billing.domain.invoices import (
    Invoice,
    InvoiceNotFound,
    InvoiceNotPayable,
    Overpayment,
    RefundExceedsPaid,
    visit_line,
)
from billing.domain.money import InvalidAmount
from billing.service_layer import invoice_effects
from billing.service_layer.context import Context
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork

UPDATED, VISITS, EMAIL = "billing.invoice.updated", "billing.invoice.visits_changed", "billing.invoice.email_requested"


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()
        self.company_id, self.client_id = uuid4(), uuid4()
        self.ctx = Context(self.uow, Identity(Role.INTERNAL, company_id=self.company_id))

    async def invoice(self, *prices: int, sent: bool = True, client_id: UUID | None = None) -> Invoice:
        invoice = await invoice_effects.new_invoice(self.ctx, self.company_id, client_id or self.client_id, uuid4())
        for price in prices:
            invoice.add_line(visit_line(visit_id=uuid4(), description="Walk", service_price_cents=price,
                                        taxable=False, visit_date=date(2026, 3, 10)))
        invoice.sent = sent
        await invoice_effects.save_and_publish(self.ctx, invoice, new=True)
        return invoice

    async def stored(self, invoice_id: UUID) -> Invoice:
        return await self.uow.invoices.get(self.company_id, invoice_id)


@pytest.fixture
def world() -> World:
    return World()


async def test_r_never_1_every_change_publishes_the_whole_state_with_the_next_revision_and_no_email(
        world: World) -> None:
    invoice = await world.invoice(2_500, 1_500)
    assert invoice.number == "INV-0001"
    await invoice_effects.record_payment(world.ctx, uuid4(), world.client_id, {invoice.id: 1_000})
    updates = world.uow.events(UPDATED)
    assert [(u["revision"], u["status"], u["paid_cents"], u["balance_cents"]) for u in updates] == [
        (1, "sent", 0, 4_000), (2, "partially_paid", 1_000, 3_000)]
    assert updates[0]["visit_ids"] == [str(v) for v in invoice.visit_ids()]
    # the visit set changed once (on creation), not on the payment
    assert [v["revision"] for v in world.uow.events(VISITS)] == [1]
    assert world.uow.events(EMAIL) == []
    assert world.uow.commits == 0  # the caller's use case commits


async def test_r_pay_1_payable_balances_in_order_and_what_cannot_be_paid(world: World) -> None:
    first, second = await world.invoice(2_000), await world.invoice(3_000)
    draft = await world.invoice(1_000, sent=False)
    assert await invoice_effects.payable_balances(world.ctx, world.client_id, [second.id, first.id],
                                                  by_client=True) == {second.id: 3_000, first.id: 2_000}
    assert list(await invoice_effects.payable_balances(world.ctx, world.client_id, [second.id, first.id],
                                                       by_client=True)) == [second.id, first.id]
    with pytest.raises(InvoiceNotPayable):  # a client pays only what they were sent
        await invoice_effects.payable_balances(world.ctx, world.client_id, [draft.id], by_client=True)
    assert await invoice_effects.payable_balances(world.ctx, world.client_id, [draft.id], by_client=False) == {
        draft.id: 1_000}
    others = await world.invoice(1_000, client_id=uuid4())
    with pytest.raises(InvoiceNotFound):  # another client's: not found
        await invoice_effects.payable_balances(world.ctx, world.client_id, [others.id], by_client=False)
    with pytest.raises(InvoiceNotFound):
        await invoice_effects.payable_balances(world.ctx, world.client_id, [uuid4()], by_client=False)
    await invoice_effects.record_payment(world.ctx, uuid4(), world.client_id, {first.id: 2_000})
    with pytest.raises(InvoiceNotPayable):  # paid
        await invoice_effects.payable_balances(world.ctx, world.client_id, [first.id], by_client=False)


async def test_r_pay_2_a_payment_over_invoices_with_a_tip_on_the_first_applied_once(world: World) -> None:
    first, second = await world.invoice(2_000), await world.invoice(3_000)
    payment = uuid4()
    for _ in range(2):  # a retried call applies nothing twice
        await invoice_effects.record_payment(world.ctx, payment, world.client_id,
                                             {first.id: 2_500, second.id: 1_000}, tip_cents=500)
    one, two = await world.stored(first.id), await world.stored(second.id)
    assert (one.totals().tips_cents, one.totals().balance_cents, one.status_on(date(2026, 3, 1)).value) == (
        500, 0, "paid")
    assert (two.totals().paid_cents, two.totals().balance_cents) == (1_000, 2_000)
    assert len(world.uow.events(UPDATED)) == 4  # two creations, two payments
    with pytest.raises(Overpayment):
        await invoice_effects.record_payment(world.ctx, uuid4(), world.client_id, {second.id: 2_001})


async def test_r_pay_3_a_refund_lowers_what_was_paid_once(world: World) -> None:
    invoice = await world.invoice(2_000)
    await invoice_effects.record_payment(world.ctx, uuid4(), world.client_id, {invoice.id: 2_000})
    refund = uuid4()
    await invoice_effects.record_refund(world.ctx, refund, world.client_id, {invoice.id: 500})
    await invoice_effects.record_refund(world.ctx, refund, world.client_id, {invoice.id: 500})
    stored = await world.stored(invoice.id)
    assert (stored.totals().paid_cents, stored.status_on(date(2026, 3, 1)).value) == (1_500, "partially_paid")
    assert world.uow.events(UPDATED)[-1]["revision"] == 3
    with pytest.raises(RefundExceedsPaid):
        await invoice_effects.record_refund(world.ctx, uuid4(), world.client_id, {invoice.id: 1_501})


async def test_r_pkg_1_a_set_price_package_goes_untaxed_on_a_new_invoice_once(world: World) -> None:
    await world.uow.invoices.put_settings(
        (await world.uow.invoices.settings(world.company_id)).__class__(world.company_id, Decimal(10)))
    held = uuid4()
    invoice_id = await invoice_effects.add_package_line(world.ctx, world.client_id, held, "10 walks", 20_000)
    assert await invoice_effects.add_package_line(world.ctx, world.client_id, held, "10 walks", 20_000) == invoice_id
    stored = await world.stored(invoice_id)
    assert (stored.client_id, stored.totals().total_cents, stored.sent) == (world.client_id, 20_000, False)
    assert stored.lines[0].client_package_id == held
    assert len(world.uow.events(UPDATED)) == 1 and world.uow.events(VISITS) == []
    assert world.uow.events(EMAIL) == []


async def test_r_pkg_1_a_redeemed_visit_line_is_covered_and_uncovered(world: World) -> None:
    invoice = await world.invoice(4_000, sent=False)
    visit = invoice.visit_ids()[0]
    await invoice_effects.set_visit_package_cover(world.ctx, visit, Decimal(100))
    assert (await world.stored(invoice.id)).totals().total_cents == 0
    await invoice_effects.set_visit_package_cover(world.ctx, visit, Decimal(100))  # no change, no event
    await invoice_effects.set_visit_package_cover(world.ctx, visit, Decimal(25))
    assert (await world.stored(invoice.id)).totals().total_cents == 3_000
    await invoice_effects.set_visit_package_cover(world.ctx, visit, None)
    assert (await world.stored(invoice.id)).totals().total_cents == 4_000
    assert [u["total_cents"] for u in world.uow.events(UPDATED)] == [4_000, 0, 3_000, 4_000]
    with pytest.raises(InvalidAmount):
        await invoice_effects.set_visit_package_cover(world.ctx, visit, Decimal(101))


async def test_r_pkg_1_a_cover_before_the_visit_is_invoiced_is_kept_for_its_line(world: World) -> None:
    visit = uuid4()
    await invoice_effects.set_visit_package_cover(world.ctx, visit, Decimal(50))
    assert world.uow.events(UPDATED) == []
    assert await world.uow.invoices.visit_cover(world.company_id, visit) == Decimal(50)
