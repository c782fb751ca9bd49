"""Billing settings use cases on fakes (R-INV-2, R-INV-3): drafts with nothing paid follow a new tax
rate and due-date rule; a sent invoice keeps what it was sent with; managers only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from billing.domain.due_dates import DueDateBasis
from billing.domain.invoices import visit_line
from billing.service_layer import billing_settings, invoice_effects
from billing.service_layer.billing_settings_commands import PutBillingSettings, SetClientTaxRate
from billing.service_layer.context import Context
from petcare_kit.errors import Forbidden
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork

SETTINGS = PutBillingSettings(tax_rate_percent=Decimal(10), cancellation_fee_percent=Decimal(50),
                              due_date_basis=DueDateBasis.DAYS_AFTER_LAST_SERVICE, due_date_days=7)


async def test_r_inv_2_r_inv_3_drafts_follow_new_settings_and_sent_invoices_keep_theirs() -> None:
    uow, company, client = FakeUnitOfWork(), uuid4(), uuid4()
    uow.invoices.add_client(company, client)
    admin = Context(uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=company))
    ids = []
    for sent in (False, True):
        invoice = await invoice_effects.new_invoice(admin, company, client, uuid4())
        invoice.add_line(visit_line(visit_id=uuid4(), description="Walk", service_price_cents=1_000, taxable=True,
                                    visit_date=date(2026, 3, 10)))
        invoice.sent = sent
        await invoice_effects.save_and_publish(admin, invoice, new=True)
        ids.append(invoice.id)
    await billing_settings.put_settings(admin, SETTINGS)
    draft, sent = [await uow.invoices.get(company, i) for i in ids]
    assert (draft.totals().total_cents, draft.due_date) == (1_100, date(2026, 3, 17))
    assert (sent.totals().total_cents, sent.due_date) == (1_000, None)
    assert uow.commits == 1 and uow.events("billing.invoice.updated")[-1]["revision"] == 2

    await billing_settings.set_client_tax_rate(admin, client, SetClientTaxRate(tax_rate_percent=Decimal(0)))
    assert (await uow.invoices.get(company, ids[0])).totals().total_cents == 1_000
    assert (await uow.invoices.settings(company)).cancellation_fee_percent == Decimal(50)


async def test_r_inv_2_staff_and_clients_cannot_touch_billing_settings() -> None:
    uow, company = FakeUnitOfWork(), uuid4()
    for role in (Role.STAFF, Role.CLIENT):
        ctx = Context(uow, Identity(role, person_id=uuid4(), company_id=company))
        with pytest.raises(Forbidden):
            await billing_settings.get_settings(ctx)
        with pytest.raises(Forbidden):
            await billing_settings.put_settings(ctx, SETTINGS)
    assert uow.commits == 0
