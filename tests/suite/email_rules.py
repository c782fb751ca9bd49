"""The R-EMAIL / R-NEVER table: each trigger event (made for a company's client) and how many emails
it must cause. Shared by the notifications service test (consumer fed directly) and the suite test
(through the real broker and processes)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from petcare_contracts.events import billing, clients, scheduling
from petcare_contracts.events.common import Contact

LATER = datetime.now(UTC) + timedelta(days=1)


def visit():
    return scheduling.VisitSummary(visit_id=uuid4(), service_name="Dog walk", visit_date=date(2026, 12, 1),
                                   time_block="Morning", pet_names=["Rex"], staff_name="Wally")


def contact():
    return Contact(first_name="Ada", last_name="King", emails=["ada@example.com"], phones=[])


EVENTS = {
    "R-EMAIL-1 visit completed with a message": (1, lambda c: scheduling.VisitCompleted(
        visit_id=uuid4(), client_id=c.client_id, staff_id=None, visit=visit(), message_for_client="Rex was great!")),
    "R-EMAIL-1 visit completed without a message": (0, lambda c: scheduling.VisitCompleted(
        visit_id=uuid4(), client_id=c.client_id, staff_id=None, visit=visit())),
    "R-EMAIL-2 service request approved": (1, lambda c: scheduling.ServiceRequestAnswered(
        request_id=uuid4(), client_id=c.client_id, decision="approved", visits=[visit()])),
    "R-EMAIL-2 change request denied": (1, lambda c: scheduling.ChangeRequestAnswered(
        request_id=uuid4(), client_id=c.client_id, kind="change", decision="denied", visits=[visit()])),
    "R-EMAIL-2 cancellation auto-approved": (1, lambda c: scheduling.ChangeRequestAnswered(
        request_id=uuid4(), client_id=c.client_id, kind="cancellation", decision="approved", auto_approved=True,
        visits=[visit()])),
    "R-EMAIL-3 client paid by card": (1, lambda c: billing.PaymentSucceeded(
        payment_id=uuid4(), invoice_id=uuid4(), client_id=c.client_id, amount_cents=4250, initiated_by="client")),
    "R-EMAIL-4 business charged the card": (1, lambda c: billing.PaymentSucceeded(
        payment_id=uuid4(), invoice_id=uuid4(), client_id=c.client_id, amount_cents=4250, initiated_by="business")),
    "R-EMAIL-3 client paid by card (v2)": (1, lambda c: billing.PaymentSucceededV2(
        payment_id=uuid4(), invoice_ids=[uuid4(), uuid4()], client_id=c.client_id, amount_cents=4750, tip_cents=500,
        initiated_by="client", card_brand="visa", card_last4="4242")),
    "R-EMAIL-4 business charged the card (v2)": (1, lambda c: billing.PaymentSucceededV2(
        payment_id=uuid4(), invoice_ids=[uuid4()], client_id=c.client_id, amount_cents=4250, initiated_by="business",
        card_last4="4242")),
    "R-EMAIL-5 invoice emailed": (1, lambda c: billing.InvoiceEmailRequested(
        invoice_id=uuid4(), client_id=c.client_id, number="INV-7", total_cents=9000, balance_cents=9000,
        invoice_url="http://portal/invoices/7")),
    "R-EMAIL-6 password reset": (1, lambda c: clients.PasswordResetRequested(
        person_id=c.client_id, person_kind="client", email="ada@example.com", reset_url="http://p/r?token=x",
        expires_at=LATER)),
    "R-EMAIL-6 client asks for activation": (1, lambda c: clients.ActivationEmailRequested(
        client_id=c.client_id, email="ada@example.com", activation_url="http://p/a?token=y", expires_at=LATER,
        requested_by="client")),
    "R-EMAIL-7 added with send activation email": (1, lambda c: clients.ActivationEmailRequested(
        client_id=c.client_id, email="ada@example.com", activation_url="http://p/a?token=z", expires_at=LATER,
        requested_by="business")),
    "R-EMAIL-8 portal instructions": (1, lambda c: clients.PortalInstructionsRequested(
        client_id=c.client_id, email="ada@example.com", portal_url="http://p/sign-in", login_email="ada@example.com")),
    "R-EMAIL-9 send confirmation": (1, lambda c: scheduling.ConfirmationRequested(
        invoice_id=uuid4(), client_id=c.client_id, visits=[visit(), visit()])),
    "R-NEVER-1 invoice created": (0, lambda c: billing.InvoiceCreated(
        invoice_id=uuid4(), client_id=c.client_id, number="INV-1", total_cents=100)),
    "R-NEVER-1 invoice updated": (0, lambda c: billing.InvoiceUpdated(
        invoice_id=uuid4(), client_id=c.client_id, total_cents=200)),
    "R-NEVER-1 invoice finalized": (0, lambda c: billing.InvoiceFinalized(
        invoice_id=uuid4(), client_id=c.client_id, number="INV-1", total_cents=200)),
    "R-NEVER-2 visit scheduled": (0, lambda c: scheduling.VisitScheduled(
        visit_id=uuid4(), client_id=c.client_id, visit=visit())),
    "R-NEVER-2 visit scheduled v2 (price and invoice for billing)": (0, lambda c: scheduling.VisitScheduledV2(
        visit_id=uuid4(), client_id=c.client_id, visit=visit(), service_id=uuid4(), price_cents=2500, taxable=True,
        invoice_id=uuid4())),
    "R-NEVER-2 visit moved": (0, lambda c: scheduling.VisitMoved(
        visit_id=uuid4(), client_id=c.client_id, visit=visit())),
    "R-NEVER-2 visit reassigned": (0, lambda c: scheduling.VisitReassigned(
        visit_id=uuid4(), client_id=c.client_id, staff_id=None, visit=visit())),
    "R-NEVER-2 visit cancelled by staff": (0, lambda c: scheduling.VisitCancelledByStaff(
        visit_id=uuid4(), client_id=c.client_id, visit=visit())),
    "R-NEVER-2 visit deleted": (0, lambda c: scheduling.VisitDeleted(visit_id=uuid4(), client_id=c.client_id)),
    "R-NEVER-3 client details updated": (0, lambda c: clients.ClientDetailsUpdated(
        client_id=c.client_id, contact=contact(), changed_fields=["last_name"])),
    "R-NEVER-3 pet details updated": (0, lambda c: clients.PetDetailsUpdated(
        pet_id=uuid4(), client_id=c.client_id, name="Rex", species="dog", changed_fields=["name"])),
    "R-NEVER-4 client deactivated": (0, lambda c: clients.ClientDeactivated(
        client_id=c.client_id, delete_future_visits=True, delete_templates=True)),
    "R-NEVER-4 client reactivated": (0, lambda c: clients.ClientReactivated(client_id=c.client_id)),
}
