"""Visits → invoice lines on fakes (R-INV-1, R-INV-2, R-INV-3, R-PKG-1, R-NEVER-1): the chosen
invoice or a new one, client rates, the fallback invoice, cancellation fees, deletes, moves; each
use case idempotent by state, never committing, never emailing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from billing.domain.billing_settings import CompanyBillingSettings
from billing.domain.due_dates import DueDateBasis, DueDateRule
from billing.domain.invoices import Invoice
from billing.service_layer import invoice_lines, packages
from billing.service_layer.context import Context
from billing.service_layer.invoice_lines import VisitToInvoice
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork

WALK = uuid4()
MARCH = date(2026, 3, 10)


class World:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.uow = FakeUnitOfWork()
        self.company_id, self.client_id = uuid4(), uuid4()
        self.ctx = Context(self.uow, Identity(Role.INTERNAL, company_id=self.company_id))
        self.given_back: list[UUID] = []

        async def give_back_visit(ctx: Context, visit_id: UUID) -> int:
            self.given_back.append(visit_id)
            return 0

        monkeypatch.setattr(packages, "give_back_visit", give_back_visit)

    def visit(self, invoice_id: UUID | None, *, on: date = MARCH, price: int = 2_500,
              client_id: UUID | None = None) -> VisitToInvoice:
        return VisitToInvoice(visit_id=uuid4(), client_id=client_id or self.client_id, service_id=WALK,
                              description="Dog walk (Rex)", price_cents=price, taxable=True, visit_date=on,
                              invoice_id=invoice_id)

    async def invoice(self, invoice_id: UUID) -> Invoice:
        return await self.uow.invoices.get(self.company_id, invoice_id)

    def assert_no_email_and_no_commit(self) -> None:
        assert self.uow.events("billing.invoice.email_requested") == []
        assert self.uow.commits == 0


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    return World(monkeypatch)


async def test_r_inv_1_visits_go_on_the_chosen_invoice_created_on_first_sight(world: World) -> None:
    chosen = uuid4()
    first, second = world.visit(chosen), world.visit(chosen, on=date(2026, 3, 3))
    assert await invoice_lines.invoice_visit(world.ctx, first) == chosen
    assert await invoice_lines.invoice_visit(world.ctx, second) == chosen
    assert await invoice_lines.invoice_visit(world.ctx, first) == chosen  # replay: nothing twice
    invoice = await world.invoice(chosen)
    assert (invoice.number, invoice.visit_ids(), invoice.totals().total_cents) == (
        "INV-0001", [first.visit_id, second.visit_id], 5_000)
    assert invoice.due_date == date(2026, 3, 3)  # default rule: on the first service
    assert [e["revision"] for e in world.uow.events("billing.invoice.updated")] == [1, 2]
    assert [e["visit_ids"] for e in world.uow.events("billing.invoice.visits_changed")] == [
        [str(first.visit_id)], [str(first.visit_id), str(second.visit_id)]]
    world.assert_no_email_and_no_commit()


async def test_r_inv_1_do_not_invoice_leaves_the_visit_off(world: World) -> None:
    assert await invoice_lines.invoice_visit(world.ctx, world.visit(None)) is None
    assert world.uow.invoices.invoices == {} and world.uow.published == []


async def test_r_inv_2_the_client_rate_and_a_package_cover_set_before(world: World) -> None:
    await world.uow.invoices.put_client_rate(world.company_id, world.client_id, WALK, 2_000)
    visit = world.visit(uuid4())
    await world.uow.invoices.set_visit_cover(world.company_id, visit.visit_id, Decimal(50))
    invoice = await world.invoice(await invoice_lines.invoice_visit(world.ctx, visit) or uuid4())
    line = invoice.lines[0]
    assert (line.unit_cents, line.package_cover_percent, invoice.totals().total_cents) == (2_000, Decimal(50), 1_000)


async def test_r_inv_1_another_clients_or_a_paid_invoice_gets_a_deterministic_fallback(world: World) -> None:
    theirs = uuid4()
    await invoice_lines.invoice_visit(world.ctx, world.visit(theirs, client_id=uuid4()))
    mine = world.visit(theirs)
    fallback = await invoice_lines.invoice_visit(world.ctx, mine)
    assert fallback not in (None, theirs)
    assert (await world.invoice(fallback or uuid4())).client_id == world.client_id
    # the next visit of the same choice joins the same fallback invoice
    assert await invoice_lines.invoice_visit(world.ctx, world.visit(theirs)) == fallback
    # an invoice of another company with the chosen id: not touched, a fallback instead
    other_company = Context(world.uow, Identity(Role.INTERNAL, company_id=uuid4()))
    used = await invoice_lines.invoice_visit(other_company, world.visit(uuid4()))
    assert used is not None
    assert await invoice_lines.invoice_visit(world.ctx, world.visit(used)) not in (None, used)
    # a paid invoice takes no new visit
    paid = await world.invoice(fallback or uuid4())
    paid.apply_payment(paid.totals().balance_cents)
    await world.uow.invoices.save(paid)
    assert await invoice_lines.invoice_visit(world.ctx, world.visit(theirs)) not in (None, theirs, fallback)


async def test_r_inv_2_a_cancelled_visit_keeps_the_company_fee_and_gives_back_its_package(world: World) -> None:
    settings = CompanyBillingSettings(world.company_id, cancellation_fee_percent=Decimal(40))
    await world.uow.invoices.put_settings(settings)
    chosen = uuid4()
    visit = world.visit(chosen, price=5_000)
    await invoice_lines.invoice_visit(world.ctx, visit)
    assert await invoice_lines.cancel_visit(world.ctx, visit.visit_id)
    assert not await invoice_lines.cancel_visit(world.ctx, visit.visit_id)  # replay: nothing twice
    invoice = await world.invoice(chosen)
    assert (invoice.lines[0].cancellation_fee_percent, invoice.totals().total_cents) == (Decimal(40), 2_000)
    assert invoice.visit_ids() == [visit.visit_id]  # the line stays
    assert world.given_back == [visit.visit_id, visit.visit_id]
    assert len(world.uow.events("billing.invoice.updated")) == 2
    assert len(world.uow.events("billing.invoice.visits_changed")) == 1
    world.assert_no_email_and_no_commit()


async def test_r_inv_1_a_deleted_visit_leaves_its_invoice_and_the_due_date_follows(world: World) -> None:
    chosen = uuid4()
    early, late = world.visit(chosen, on=date(2026, 3, 1)), world.visit(chosen, on=date(2026, 3, 20))
    for visit in (early, late):
        await invoice_lines.invoice_visit(world.ctx, visit)
    assert await invoice_lines.delete_visit(world.ctx, early.visit_id)
    assert not await invoice_lines.delete_visit(world.ctx, early.visit_id)
    invoice = await world.invoice(chosen)
    assert (invoice.visit_ids(), invoice.due_date) == ([late.visit_id], date(2026, 3, 20))
    assert world.uow.events("billing.invoice.visits_changed")[-1]["visit_ids"] == [str(late.visit_id)]
    assert world.given_back == [early.visit_id, early.visit_id]
    assert not await invoice_lines.delete_visit(world.ctx, uuid4())  # on no invoice: nothing


async def test_r_inv_3_a_moved_visit_moves_the_due_date_by_the_company_rule(world: World) -> None:
    rule = DueDateRule(DueDateBasis.DAYS_BEFORE_FIRST_SERVICE, 2)
    await world.uow.invoices.put_settings(CompanyBillingSettings(world.company_id, due_date_rule=rule))
    chosen = uuid4()
    visit = world.visit(chosen)
    await invoice_lines.invoice_visit(world.ctx, visit)
    assert (await world.invoice(chosen)).due_date == date(2026, 3, 8)
    assert await invoice_lines.move_visit(world.ctx, visit.visit_id, date(2026, 4, 1))
    assert not await invoice_lines.move_visit(world.ctx, visit.visit_id, date(2026, 4, 1))
    assert (await world.invoice(chosen)).due_date == date(2026, 3, 30)
    assert world.uow.events("billing.invoice.updated")[-1]["due_date"] == "2026-03-30"
    assert len(world.uow.events("billing.invoice.visits_changed")) == 1  # same visits


async def test_r_inv_2_an_updated_visit_renames_its_line(world: World) -> None:
    chosen = uuid4()
    visit = world.visit(chosen)
    await invoice_lines.invoice_visit(world.ctx, visit)
    assert await invoice_lines.describe_visit(world.ctx, visit.visit_id, "Long walk (Rex, Tom)")
    assert not await invoice_lines.describe_visit(world.ctx, visit.visit_id, "Long walk (Rex, Tom)")
    assert (await world.invoice(chosen)).lines[0].description == "Long walk (Rex, Tom)"
