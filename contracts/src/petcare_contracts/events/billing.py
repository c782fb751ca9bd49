"""Events of the billing service (`billing.events`), defined ahead of the service.

R-NEVER-1: creating, updating or finalising an invoice notifies nobody; only "Email To Client"
(R-EMAIL-5) and payments (R-EMAIL-3, R-EMAIL-4) do. Money is in integer cents, never float.
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from petcare_contracts.registry import EventPayload, event

TOPIC = "billing.events"
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


# ---- the template's example: rename it to your first real event, then run `make schemas` ----


@event("billing.example.added", version=1, topic=TOPIC, key="example_id")
class ExampleAdded(EventPayload):
    """An example was added to the company's list."""

    example_id: UUID
    title: str
