"""What the payments API answers: saved cards (never a card number, R-PAY-4), payments and refunds."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from billing.domain.payments import PaymentAttempt, Refund, SavedCard


class CardView(BaseModel):
    id: UUID
    client_id: UUID
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None
    payment_method_id: str
    """Stripe's `pm_...` (not secret: it charges nothing without our secret key)."""

    @classmethod
    def of(cls, card: SavedCard) -> CardView:
        return cls(id=card.id, client_id=card.client_id, brand=card.brand, last4=card.last4,
                   exp_month=card.exp_month, exp_year=card.exp_year, payment_method_id=card.payment_method_id)


class AllocationView(BaseModel):
    invoice_id: UUID
    amount_cents: int


class RefundView(BaseModel):
    id: UUID
    payment_id: UUID
    amount_cents: int
    status: str
    """pending (Stripe's answer awaited; settled by the recovery job), succeeded, failed."""
    invoices: list[AllocationView]
    failure_message: str | None = None

    @classmethod
    def of(cls, refund: Refund) -> RefundView:
        return cls(id=refund.id, payment_id=refund.payment_id, amount_cents=refund.amount_cents, status=refund.status,
                   invoices=[AllocationView(invoice_id=a.invoice_id, amount_cents=a.amount_cents)
                             for a in refund.allocations], failure_message=refund.failure_message)


class PaymentView(BaseModel):
    id: UUID
    client_id: UUID
    status: str
    """succeeded; started / intent_created (under way: look again shortly); declined,
    requires_action, not_charged (no money taken); charged_unapplied (to be refunded)."""
    amount_cents: int
    """What the card is charged, tip included."""
    tip_cents: int
    refunded_cents: int
    currency: str
    initiated_by: str
    invoices: list[AllocationView]
    """Without the tip (it is added to the first invoice)."""
    card_id: UUID
    card_brand: str
    card_last4: str
    failure_code: str | None
    failure_message: str | None
    created_at: datetime | None
    refunds: list[RefundView]

    @classmethod
    def of(cls, p: PaymentAttempt) -> PaymentView:
        return cls(id=p.id, client_id=p.client_id, status=p.status.value, amount_cents=p.amount_cents,
                   tip_cents=p.tip_cents, refunded_cents=p.refunded_cents, currency=p.currency,
                   initiated_by=p.initiated_by,
                   invoices=[AllocationView(invoice_id=a.invoice_id, amount_cents=a.amount_cents)
                             for a in p.allocations],
                   card_id=p.card_id, card_brand=p.card_brand, card_last4=p.card_last4, failure_code=p.failure_code,
                   failure_message=p.failure_message, created_at=p.created_at,
                   refunds=[RefundView.of(r) for r in p.refunds])


class PaymentPage(BaseModel):
    items: list[PaymentView]
    limit: int
    offset: int
