"""A cancelled facility event on fakes (R-INV-2, R-PKG-1, R-FAC-6): a fact from facility is never
refused, so on a paid invoice the cancellation fee leaves the client in credit (a refund due), the
status paid; applied once per event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from billing.domain.billing_settings import CompanyBillingSettings
from billing.domain.facility_lines import FacilityChargeLine
from billing.service_layer import facility_events, invoice_effects
from billing.service_layer.context import Context
from billing.service_layer.facility_events import FacilityEventState
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork

DAYCARE, BATH, DAY = uuid4(), uuid4(), date(2026, 3, 2)


async def test_r_inv_2_a_facility_event_cancelled_on_a_paid_invoice_leaves_a_credit_shown_as_refund_due() -> None:
    uow, company_id, client_id, event_id = FakeUnitOfWork(), uuid4(), uuid4(), uuid4()
    uow.invoices.add_client(company_id, client_id)
    await uow.invoices.put_settings(CompanyBillingSettings(company_id, cancellation_fee_percent=Decimal(50)))
    consumer = Context(uow, Identity(Role.INTERNAL, company_id=company_id))
    admin = Context(uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=company_id))
    invoice_id = await invoice_effects.put_facility_charges(consumer, client_id, None, uuid4(), [
        FacilityChargeLine(event_id, None, DAYCARE, "Daycare (Rex)", DAY, 4_000, False),
        FacilityChargeLine(event_id, uuid4(), BATH, "Bath (Rex)", DAY, 1_000, False)])
    await invoice_effects.record_payment(admin, uuid4(), client_id, {invoice_id: 5_000})

    assert await facility_events.facility_event_changed(consumer, FacilityEventState(event_id, "cancelled", 3))
    invoice = await uow.invoices.get(company_id, invoice_id)
    totals = invoice.totals()
    assert (totals.total_cents, totals.paid_cents, totals.owed_cents, totals.credit_cents) == (2_500, 5_000, 0, 2_500)
    assert invoice.status_on(DAY).value == "paid"
    assert all(line.cancelled for line in invoice.lines)
    published = uow.events("billing.invoice.updated")[-1]
    assert (published["total_cents"], published["paid_cents"], published["balance_cents"]) == (2_500, 5_000, 0)
    updates = len(uow.events("billing.invoice.updated"))
    # Once per event: a later cancelled revision changes nothing twice.
    assert not await facility_events.facility_event_changed(consumer, FacilityEventState(event_id, "cancelled", 4))
    assert len(uow.events("billing.invoice.updated")) == updates
    assert uow.commits == 0  # the consumer's batch commits
