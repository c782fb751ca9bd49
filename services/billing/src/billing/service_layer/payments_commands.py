"""What callers ask of payments (R-PAY-1..4), one command per use case; also the API's request bodies
(unknown fields refused, sizes bounded: bad input is a 422 before anything changes)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from petcare_kit.validation import AsciiInteger
from pydantic import Field

from billing.domain.payments import MAX_INVOICES_PER_PAYMENT, MAX_PAYMENT_CENTS
from billing.service_layer.commands import Command


class SaveCard(Command):
    """R-PAY-4: save a card from the Stripe payment-method id Stripe.js made of it in the browser
    (`pm_...`); the card number never reaches us."""

    payment_method_id: str = Field(min_length=4, max_length=255, pattern=r"^pm_[A-Za-z0-9_]+$")


class InvoicePart(Command):
    """One invoice of a payment: `amount_cents` of its balance, or all of it when null."""

    invoice_id: UUID
    amount_cents: Annotated[int, AsciiInteger] | None = Field(None, ge=1, le=MAX_PAYMENT_CENTS)


class PayInvoices(Command):
    """R-PAY-1 (the client, portal) / R-PAY-2 (a manager): charge saved card `card_id` for `invoices`,
    plus `tip_cents` (it goes on the first invoice)."""

    card_id: UUID
    invoices: list[InvoicePart] = Field(min_length=1, max_length=MAX_INVOICES_PER_PAYMENT)
    tip_cents: Annotated[int, AsciiInteger] = Field(0, ge=0, le=MAX_PAYMENT_CENTS)


class RefundPayment(Command):
    """R-PAY-3: refund `amount_cents` of a payment, or all that is left of it when null."""

    amount_cents: Annotated[int, AsciiInteger] | None = Field(None, ge=1, le=MAX_PAYMENT_CENTS)
