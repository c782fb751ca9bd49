"""Events of the billing service (`billing.events`), defined ahead of the service.

R-NEVER-1: creating, updating or finalising an invoice notifies nobody; only "Email To Client"
(R-EMAIL-5) and payments (R-EMAIL-3, R-EMAIL-4) do. Money is in integer cents, never float.
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from petcare_contracts.registry import EventPayload, event

TOPIC = "billing.events"
COMMANDS = "billing.commands"
Plan = Literal["lite", "solo", "team"]


@event("billing.invoice.created", version=1, topic=TOPIC, key="invoice_id")
class InvoiceCreated(EventPayload):
    invoice_id: UUID
    client_id: UUID
    number: str
    total_cents: int
    currency: str = "USD"


@event("billing.invoice.updated", version=1, topic=TOPIC, key="invoice_id")
class InvoiceUpdated(EventPayload):
    invoice_id: UUID
    client_id: UUID
    total_cents: int
    currency: str = "USD"


@event("billing.invoice.finalized", version=1, topic=TOPIC, key="invoice_id")
class InvoiceFinalized(EventPayload):
    invoice_id: UUID
    client_id: UUID
    number: str
    total_cents: int
    due_date: date | None = None
    currency: str = "USD"


@event("billing.invoice.email_requested", version=1, topic=TOPIC, key="invoice_id")
class InvoiceEmailRequested(EventPayload):
    """R-EMAIL-5: "Email To Client" pressed on an invoice."""

    invoice_id: UUID
    client_id: UUID
    number: str
    total_cents: int
    balance_cents: int
    invoice_url: str
    currency: str = "USD"


@event("billing.payment.succeeded", version=1, topic=TOPIC, key="invoice_id")
class PaymentSucceeded(EventPayload):
    """A card payment went through: R-EMAIL-3 when the client paid themself, R-EMAIL-4 when an admin
    or office manager charged the client's card."""

    payment_id: UUID
    invoice_id: UUID
    client_id: UUID
    amount_cents: int
    initiated_by: Literal["client", "business"]
    card_last4: str | None = None
    currency: str = "USD"


@event("billing.plan.changed", version=1, topic=TOPIC, key="company_id")
class PlanChanged(EventPayload):
    """The company's plan: texting needs Solo or Team and no free trial (R-TEXT-1)."""

    company_id: UUID
    plan: Plan
    in_trial: bool


@event("billing.invoice.visits_changed", version=1, topic=TOPIC, key="invoice_id")
class InvoiceVisitsChanged(EventPayload):
    """Which scheduling visits are lines on the invoice now, published on every change of them
    (a visit invoiced, moved to another invoice, removed; `visit_ids=[]` when the invoice is voided
    or deleted). It carries the whole set, not the difference, so a replayed or skipped event
    leaves the reader right; `revision` grows with each change of this invoice's set and a reader
    keeps the highest it has seen. Scheduling keeps it as its read model for "Send Confirmation"
    (R-SCHED-10, R-EMAIL-9). Notifies nobody (R-NEVER-1)."""

    invoice_id: UUID
    client_id: UUID
    visit_ids: list[UUID]
    revision: int
    number: str | None = None


@event("billing.invoice.updated", version=2, topic=TOPIC, key="invoice_id")
class InvoiceUpdatedV2(EventPayload):
    """An invoice's whole state, published on its creation and on every change (lines, discount,
    tax, status, payment, refund, void). Whole state, not the difference, so a replayed or skipped
    event leaves a reader right; `revision` grows with each change and a reader keeps the highest it
    has seen. The Client Hub (facility) keeps it as its read model of invoices. Notifies nobody
    (R-NEVER-1). Money in integer cents."""

    invoice_id: UUID
    client_id: UUID
    number: str
    status: Literal["draft", "sent", "partially_paid", "paid", "past_due", "void"]
    total_cents: int
    paid_cents: int
    balance_cents: int
    due_date: date | None = None
    revision: int
    visit_ids: list[UUID] = []
    facility_event_ids: list[UUID] = []
    currency: str = "USD"


@event("billing.payment.succeeded", version=2, topic=TOPIC, key="payment_id")
class PaymentSucceededV2(EventPayload):
    """A card payment went through, applied against one or more invoices (R-PAY-1, R-PAY-2): one
    confirmation per payment, R-EMAIL-3 when the client paid themself (`initiated_by="client"`),
    R-EMAIL-4 when an admin or office manager charged the client's saved card ("business").
    `amount_cents` is what the card was charged, `tip_cents` included."""

    payment_id: UUID
    client_id: UUID
    invoice_ids: list[UUID]
    amount_cents: int
    tip_cents: int = 0
    initiated_by: Literal["client", "business"]
    card_brand: str | None = None
    card_last4: str | None = None
    currency: str = "USD"


@event("billing.payment.refunded", version=1, topic=TOPIC, key="payment_id")
class PaymentRefunded(EventPayload):
    """A payment was refunded in full or in part (R-PAY-3); what was paid on its invoices went down.
    Notifies nobody."""

    payment_id: UUID
    refund_id: UUID
    client_id: UUID
    amount_cents: int
    invoice_ids: list[UUID]
    currency: str = "USD"


class PackageServiceCount(BaseModel):
    """One service a client's package covers: how many it covers and how many are used."""

    service_id: UUID
    covered: int
    used: int


@event("billing.package.changed", version=1, topic=TOPIC, key="client_package_id")
class ClientPackageChanged(EventPayload):
    """A package added to a client, or its use changed (redeemed, returned, ended): its whole state,
    for the Client Hub's packages (R-PKG-1, R-FAC-6). `revision` grows with each change."""

    client_package_id: UUID
    client_id: UUID
    package_id: UUID
    name: str
    ends_on: date | None = None
    services: list[PackageServiceCount]
    used: int
    remaining: int
    percent_used: str
    """Decimal text with two places, e.g. "37.50"."""
    revision: int


# ---- commands to billing (`billing.commands`): what facility's Client Hub asks billing to do ----


class FacilityCharge(BaseModel):
    """One line billing puts on an invoice for a facility event: the event itself or one of its
    add-ons (`add_on_id`). Price in integer cents."""

    facility_event_id: UUID
    add_on_id: UUID | None = None
    service_id: UUID
    description: str
    on: date
    price_cents: int
    taxable: bool


@event("billing.facility_invoice.requested", version=1, topic=COMMANDS, key="client_id")
class FacilityInvoiceRequested(EventPayload):
    """R-FAC-4 (and R-INV-1: facility events are invoiced only by hand): put these facility charges
    on a new invoice of the client (`invoice_id` None) or on the client's existing open invoice.
    Billing answers with `billing.command.answered` (the invoice id, or why it refused) and
    `billing.invoice.updated` v2 (its `facility_event_ids`). A facility event already on an invoice
    moves to the named one. Notifies nobody (R-NEVER-1)."""

    request_id: UUID
    client_id: UUID
    invoice_id: UUID | None = None
    charges: list[FacilityCharge]


@event("billing.package.add_requested", version=1, topic=COMMANDS, key="client_id")
class PackageAddRequested(EventPayload):
    """R-FAC-6 / R-PKG-1: add the company's package `package_id` to the client (from the Client Hub).
    Billing answers with `billing.command.answered` (the client package id) and `billing.package.changed`."""

    request_id: UUID
    client_id: UUID
    package_id: UUID


@event("billing.package.redeem_requested", version=1, topic=COMMANDS, key="client_id")
class PackageRedeemRequested(EventPayload):
    """R-FAC-6 / R-PKG-1: redeem a facility event against one of the client's packages. Billing
    answers with `billing.command.answered` (done, or refused with the reason: not covered, used up,
    ended, over its limit) and `billing.package.changed`."""

    request_id: UUID
    client_id: UUID
    client_package_id: UUID
    facility_event_id: UUID
    service_id: UUID
    on: date


@event("billing.command.answered", version=1, topic=TOPIC, key="request_id")
class CommandAnswered(EventPayload):
    """Billing's answer to a command on `billing.commands`, by its `request_id`: `done` (with the
    invoice or client package it made or used) or `refused` with a stable `code` and a message a
    person can read. Notifies nobody."""

    request_id: UUID
    command: str
    """The command's event type, e.g. "billing.facility_invoice.requested"."""
    client_id: UUID
    outcome: Literal["done", "refused"]
    code: str | None = None
    message: str | None = None
    invoice_id: UUID | None = None
    client_package_id: UUID | None = None
