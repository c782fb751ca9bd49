"""The money invariant on every invoice change (R-INV-2, R-PKG-1, R-FAC-6) on fakes: a person's change
never leaves an invoice owing less than was paid (refused whole, nothing changed); a package cover
applies to any invoice that is not void (never half-applied); a fact from scheduling is never refused
and leaves the client in credit (a refund due), the status paid; an empty invoice is never emailed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from billing.domain.billing_settings import CompanyBillingSettings
from billing.domain.facility_lines import FacilityChargeLine
from billing.domain.invoices import InvalidDiscount, InvoiceEmpty, TotalBelowPaid
from billing.domain.packages import RedeemedKind
from billing.service_layer import (
    facility_commands,
    invoice_effects,
    invoice_lines,
    invoices,
    packages,
    packages_catalogue,
)
from billing.service_layer.context import Context
from billing.service_layer.invoices_commands import AddCustomLine, CreateInvoice, SetCancellationFee, SetDiscount
from billing.service_layer.packages_commands import AddClientPackage, DefinePackage, Redeem
from petcare_contracts.events.billing import PackageRedeemRequested
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork

WALK = uuid4()
VISIT_DAY = date(2026, 3, 2)


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()
        self.company_id, self.client_id = uuid4(), uuid4()
        self.uow.invoices.add_client(self.company_id, self.client_id)
        self.uow.packages.know_client(self.company_id, self.client_id)
        self.admin = Context(self.uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=self.company_id))
        self.consumer = Context(self.uow, Identity(Role.INTERNAL, company_id=self.company_id))

    async def visit_invoice(self, visit_cents: int, extra_cents: int = 0) -> tuple[UUID, UUID]:
        """An invoice with one visit's line (and a custom line of `extra_cents`); (invoice, visit)."""
        visit_id = uuid4()
        invoice_id = await invoice_lines.invoice_visit(self.consumer, invoice_lines.VisitToInvoice(
            visit_id=visit_id, client_id=self.client_id, service_id=WALK, description="Walk (Rex)",
            price_cents=visit_cents, taxable=False, visit_date=VISIT_DAY, invoice_id=uuid4()))
        assert invoice_id is not None
        if extra_cents:
            await invoices.add_custom_line(self.admin, invoice_id, AddCustomLine(description="Treats",
                                                                                 unit_cents=extra_cents))
        return invoice_id, visit_id

    async def pay(self, invoice_id: UUID, cents: int) -> None:
        await invoice_effects.record_payment(self.admin, uuid4(), self.client_id, {invoice_id: cents})

    async def package(self, **terms: object) -> UUID:
        package = await packages_catalogue.define_package(self.admin, DefinePackage.model_validate(
            {"name": "Walks", "services": [{"service_id": WALK, "count": 3}], **terms}))
        return (await packages.add_to_client(self.admin, self.client_id, AddClientPackage(package_id=package.id))).id

    async def totals(self, invoice_id: UUID) -> tuple[int, int, int, int, str]:
        invoice = await self.uow.invoices.get(self.company_id, invoice_id)
        t = invoice.totals()
        return t.total_cents, t.paid_cents, t.owed_cents, t.credit_cents, invoice.status_on(VISIT_DAY).value


@pytest.fixture
def world() -> World:
    return World()


async def test_r_inv_2_redeeming_a_package_that_would_owe_less_than_paid_is_refused_whole(world: World) -> None:
    invoice_id, visit_id = await world.visit_invoice(2_250, extra_cents=1_130)
    await world.pay(invoice_id, 3_000)
    held = await world.package(discount_percent="100")
    before = world.uow.events("billing.package.changed")
    with pytest.raises(TotalBelowPaid):
        await packages.redeem(world.admin, held, Redeem(kind=RedeemedKind.VISIT, id=visit_id, service_id=WALK,
                                                        date=VISIT_DAY))
    assert await world.totals(invoice_id) == (3_380, 3_000, 380, 0, "partially_paid")
    assert (await packages.get_client_package(world.admin, held)).used() == 0
    assert world.uow.events("billing.package.changed") == before
    assert await world.uow.invoices.visit_cover(world.company_id, visit_id) is None


async def test_r_inv_2_an_impossible_discount_is_422_and_a_smaller_one_may_not_go_below_paid(world: World) -> None:
    invoice_id, _ = await world.visit_invoice(4_000)
    with pytest.raises(InvalidDiscount):
        await invoices.set_discount(world.admin, invoice_id, SetDiscount(amount_cents=999_999))
    await world.pay(invoice_id, 3_000)
    with pytest.raises(TotalBelowPaid):
        await invoices.set_discount(world.admin, invoice_id, SetDiscount(amount_cents=1_500))
    with pytest.raises(TotalBelowPaid):
        await invoices.set_discount(world.admin, invoice_id, SetDiscount(percent=Decimal(30)))
    done = await invoices.set_discount(world.admin, invoice_id, SetDiscount(amount_cents=1_000))
    assert done.status.value == "paid" and await world.totals(invoice_id) == (3_000, 3_000, 0, 0, "paid")


async def test_r_inv_2_a_lower_cancellation_fee_on_a_paid_invoice_is_refused(world: World) -> None:
    invoice_id, visit_id = await world.visit_invoice(2_000)
    await world.pay(invoice_id, 2_000)
    await invoice_lines.cancel_visit(world.consumer, visit_id)  # the company's 100 %: nothing owed changes
    line = (await world.uow.invoices.get(world.company_id, invoice_id)).lines[0]
    with pytest.raises(TotalBelowPaid):
        await invoices.set_cancellation_fee(world.admin, invoice_id, line.line_id,
                                            SetCancellationFee(percent=Decimal(0)))
    assert await world.totals(invoice_id) == (2_000, 2_000, 0, 0, "paid")


async def test_r_pkg_1_a_redemption_given_back_on_a_paid_invoice_makes_it_owe_again(world: World) -> None:
    invoice_id, visit_id = await world.visit_invoice(2_000, extra_cents=1_000)
    held = await world.package(discount_percent="100")
    await packages.redeem(world.admin, held, Redeem(kind=RedeemedKind.VISIT, id=visit_id, service_id=WALK,
                                                    date=VISIT_DAY))
    await world.pay(invoice_id, 1_000)
    assert await world.totals(invoice_id) == (1_000, 1_000, 0, 0, "paid")
    back = await packages.give_back(world.admin, held, visit_id)
    assert back.used() == 0
    assert await world.totals(invoice_id) == (3_000, 1_000, 2_000, 0, "partially_paid")


async def test_r_inv_2_a_visit_cancelled_on_a_paid_invoice_leaves_a_credit_shown_as_refund_due(world: World) -> None:
    await world.uow.invoices.put_settings(CompanyBillingSettings(world.company_id,
                                                                 cancellation_fee_percent=Decimal(50)))
    invoice_id, visit_id = await world.visit_invoice(2_625)
    await world.pay(invoice_id, 2_625)
    assert await invoice_lines.cancel_visit(world.consumer, visit_id)
    assert await world.totals(invoice_id) == (1_313, 2_625, 0, 1_312, "paid")
    published = world.uow.events("billing.invoice.updated")[-1]
    assert (published["total_cents"], published["paid_cents"], published["balance_cents"]) == (1_313, 2_625, 0)
    # The credit is not made worse by hand, and a refund of it is taken.
    with pytest.raises(TotalBelowPaid):
        await invoices.set_discount(world.admin, invoice_id, SetDiscount(amount_cents=100))
    await invoice_effects.record_refund(world.admin, uuid4(), world.client_id, {invoice_id: 1_000})
    assert await world.totals(invoice_id) == (1_313, 1_625, 0, 312, "paid")


async def test_r_inv_4_an_invoice_without_lines_is_never_emailed(world: World) -> None:
    created = await invoices.create_invoice(world.admin, CreateInvoice(client_id=world.client_id))
    with pytest.raises(InvoiceEmpty):
        await invoices.email_invoice(world.admin, created.invoice.id, portal_base_url="https://portal.example")
    assert world.uow.events("billing.invoice.email_requested") == []
    assert not (await world.uow.invoices.get(world.company_id, created.invoice.id)).sent


async def test_r_fac_6_a_facility_redemption_that_would_owe_less_than_paid_is_refused_whole(world: World) -> None:
    event_id = uuid4()
    batch = facility_commands.BatchContext(world.uow, world.consumer.identity)
    invoice_id = await invoice_effects.put_facility_charges(batch, world.client_id, None, uuid4(), [
        FacilityChargeLine(event_id, None, WALK, "Daycare", VISIT_DAY, 4_000, False)])
    await world.pay(invoice_id, 3_000)
    held = await world.package(discount_percent="50")
    answer = await facility_commands.redeem_facility_event(batch, PackageRedeemRequested(
        request_id=uuid4(), client_id=world.client_id, client_package_id=held, facility_event_id=event_id,
        service_id=WALK, on=VISIT_DAY))
    assert answer is not None and answer.code == "invoice_total_below_paid"
    assert (await packages.get_client_package(world.admin, held)).used() == 0
    assert await world.totals(invoice_id) == (4_000, 3_000, 1_000, 0, "partially_paid")
