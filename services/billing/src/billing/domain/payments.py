"""Card payments (R-PAY-1..4): saved cards, payment attempts and refunds, as pure rules.

A payment is an *attempt* first: its row is written (its id is the Stripe idempotency key) before
Stripe hears of it, so a crash at any point leaves a row that says how far it got (R-PAY-3):
`started` (no payment intent stored: nothing can have been charged, because the intent is created
unconfirmed) → `intent_created` (the intent's id stored, confirmation next) → one final status.
Money is integer cents. Card numbers never reach us (R-PAY-4): a card is Stripe's payment-method id
with its brand, last 4 digits and expiry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from petcare_kit.errors import Conflict, DomainError, InvalidInput, NotFound, ServiceUnavailable

InitiatedBy = Literal["client", "business"]
RefundStatus = Literal["pending", "succeeded", "failed"]
ChargeStatus = Literal["succeeded", "declined", "requires_action", "requires_confirmation", "processing",
                       "canceled", "failed"]
MAX_INVOICES_PER_PAYMENT = 50
MAX_PAYMENT_CENTS = 10_000_000  # $100,000: a typo guard, far above any pet-care bill


class AttemptStatus(StrEnum):
    STARTED = "started"
    """Row written and committed; no payment intent stored (none confirmed: nothing charged)."""
    INTENT_CREATED = "intent_created"
    """The unconfirmed intent's id is stored; confirmation next. Recovery asks Stripe."""
    SUCCEEDED = "succeeded"
    """Charged and applied to the invoices: the payment."""
    DECLINED = "declined"
    REQUIRES_ACTION = "requires_action"
    """The card needs the client's authentication: not charged (the intent is cancelled)."""
    NOT_CHARGED = "not_charged"
    """Closed without a charge (the intent never confirmed, cancelled, or Stripe refused the call)."""
    CHARGED_UNAPPLIED = "charged_unapplied"
    """Charged, but the invoices could no longer take it (voided or paid meanwhile): a manager refunds it."""


OPEN = frozenset({AttemptStatus.STARTED, AttemptStatus.INTENT_CREATED})


# ---- errors (stable codes; 402 for the card's own refusals) ------------------------------------

class CardDeclined(DomainError):
    """R-PAY-3: the card was declined; nothing changed. `details` carry Stripe's decline code."""

    status, code = 402, "card_declined"


class CardNeedsAuthentication(DomainError):
    """The card needs the client's authentication (3-D Secure), which an off-session charge cannot
    give: not charged, nothing changed."""

    status, code = 402, "card_requires_authentication"


class InvalidPaymentMethod(InvalidInput):
    code = "invalid_payment_method"


class InvalidPayment(InvalidInput):
    code = "invalid_payment"


class CardNotFound(NotFound):
    code = "card_not_found"


class ClientNotFound(NotFound):
    code = "client_not_found"


class PaymentNotFound(NotFound):
    code = "payment_not_found"


class PaymentInProgress(Conflict):
    """Another payment of these invoices is under way: retry when it is done."""

    code = "payment_in_progress"


class PaymentNotRefundable(Conflict):
    code = "payment_not_refundable"


class RefundExceedsPayment(InvalidInput):
    code = "refund_exceeds_payment"


class CardProcessorUnavailable(ServiceUnavailable):
    """Stripe could not be reached, or failed, before anything was charged."""

    code = "card_processor_unavailable"


# ---- values -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardDetails:
    """What Stripe tells us of a card (never its number, R-PAY-4)."""

    payment_method_id: str
    brand: str
    last4: str
    exp_month: int | None = None
    exp_year: int | None = None


@dataclass(frozen=True)
class ChargeOutcome:
    """What a payment intent came to. `decline_code`/`message` say why it was declined."""

    status: ChargeStatus
    payment_intent_id: str | None
    decline_code: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class SavedCard:
    id: UUID
    company_id: UUID
    client_id: UUID
    customer_id: str
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Allocation:
    invoice_id: UUID
    amount_cents: int


@dataclass(frozen=True)
class PaymentAttempt:
    """One attempt to charge a saved card, applied against invoices. Its `id` is the payment's id,
    the Stripe idempotency key and `attempt_id` in the intent's metadata."""

    id: UUID
    company_id: UUID
    client_id: UUID
    card_id: UUID
    customer_id: str
    payment_method_id: str
    card_brand: str
    card_last4: str
    allocations: tuple[Allocation, ...]
    tip_cents: int
    initiated_by: InitiatedBy
    requested_by: UUID | None
    request_key: str | None
    currency: str = "USD"
    status: AttemptStatus = AttemptStatus.STARTED
    payment_intent_id: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    refunded_cents: int = 0
    created_at: datetime | None = None
    refunds: tuple[Refund, ...] = field(default=())
    request_hash: str | None = None
    """The fingerprint of the request behind `request_key` (petcare_kit.idempotency.request_hash)."""

    @property
    def amount_cents(self) -> int:
        """What the card is charged: the allocations plus the tip."""
        return sum(a.amount_cents for a in self.allocations) + self.tip_cents

    @property
    def invoice_ids(self) -> list[UUID]:
        return [a.invoice_id for a in self.allocations]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def paid_per_invoice(self) -> dict[UUID, int]:
        """What each invoice received, the tip on the first (as `invoice_effects.record_payment` takes it)."""
        paid = {a.invoice_id: a.amount_cents for a in self.allocations}
        first = self.allocations[0].invoice_id
        paid[first] += self.tip_cents
        return paid

    def closed(self, status: AttemptStatus, outcome: ChargeOutcome | None = None) -> PaymentAttempt:
        return replace(self, status=status,
                       payment_intent_id=(outcome.payment_intent_id if outcome and outcome.payment_intent_id
                                          else self.payment_intent_id),
                       failure_code=outcome.decline_code if outcome else self.failure_code,
                       failure_message=outcome.message if outcome else self.failure_message)


@dataclass(frozen=True)
class Refund:
    id: UUID
    payment_id: UUID
    amount_cents: int
    allocations: tuple[Allocation, ...]
    stripe_refund_id: str | None
    status: RefundStatus = "pending"
    failure_message: str | None = None
    created_at: datetime | None = None
    request_hash: str | None = None
    """The fingerprint of the request that asked for it with an Idempotency-Key, if any."""


# ---- rules ------------------------------------------------------------------------------------

def allocations_for(balances: Mapping[UUID, int], asked: Sequence[tuple[UUID, int | None]]) -> tuple[Allocation, ...]:
    """R-PAY-1/2: what to pay on each invoice: `asked` (invoice id, cents or None = the whole balance)
    checked against `balances` (cents). Raises InvalidPayment (nothing to pay, more than the balance)."""
    allocations = []
    for invoice_id, cents in asked:
        balance = balances[invoice_id]
        amount = balance if cents is None else cents
        if amount <= 0:
            raise InvalidPayment("Each invoice needs an amount above zero (this one has nothing left to pay).",
                                 details={"invoice_id": str(invoice_id), "balance_cents": balance})
        if amount > balance:
            raise InvalidPayment("The amount is more than the invoice's balance.",
                                 details={"invoice_id": str(invoice_id), "balance_cents": balance,
                                          "amount_cents": amount})
        allocations.append(Allocation(invoice_id, amount))
    if sum(a.amount_cents for a in allocations) > MAX_PAYMENT_CENTS:
        raise InvalidPayment("A card payment can be at most $100,000.")
    return tuple(allocations)


def check_asked(asked: Sequence[tuple[UUID, int | None]], tip_cents: int) -> None:
    """Shape rules before anything is read: 1..50 distinct invoices, no negative tip."""
    ids = [invoice_id for invoice_id, _ in asked]
    if not ids:
        raise InvalidPayment("Choose at least one invoice to pay.")
    if len(ids) > MAX_INVOICES_PER_PAYMENT:
        raise InvalidPayment(f"A payment covers at most {MAX_INVOICES_PER_PAYMENT} invoices.")
    if len(set(ids)) != len(ids):
        raise InvalidPayment("Each invoice may appear once in a payment.")
    if tip_cents < 0 or tip_cents > MAX_PAYMENT_CENTS:
        raise InvalidPayment("The tip must be between $0 and $100,000.")


def refund_allocations(payment: PaymentAttempt, amount_cents: int | None) -> tuple[int, tuple[Allocation, ...]]:
    """R-PAY-3: a refund of `amount_cents` (None = all that is left) of a succeeded payment, taken
    from its invoices last first (the first invoice, which holds the tip, last), never more than an
    invoice received minus what was refunded from it already. Returns (amount, allocations).
    Raises PaymentNotRefundable, RefundExceedsPayment, InvalidPayment."""
    if payment.status != AttemptStatus.SUCCEEDED:
        raise PaymentNotRefundable("Only a payment that went through can be refunded.",
                                   details={"status": payment.status.value})
    live = [r for r in payment.refunds if r.status != "failed"]  # a pending one holds its share
    left = payment.amount_cents - sum(r.amount_cents for r in live)
    amount = left if amount_cents is None else amount_cents
    if amount <= 0:
        raise (PaymentNotRefundable("This payment was refunded in full already.") if left == 0
               else InvalidPayment("A refund must be above zero."))
    if amount > left:
        raise RefundExceedsPayment("The refund is more than what is left of the payment.",
                                   details={"refundable_cents": left, "amount_cents": amount})
    refunded: dict[UUID, int] = {}
    for refund in live:
        for a in refund.allocations:
            refunded[a.invoice_id] = refunded.get(a.invoice_id, 0) + a.amount_cents
    parts, still = [], amount
    for invoice_id, paid in reversed(list(payment.paid_per_invoice().items())):
        take = min(still, paid - refunded.get(invoice_id, 0))
        if take > 0:
            parts.append(Allocation(invoice_id, take))
            still -= take
        if still == 0:
            break
    return amount, tuple(parts)


class PaymentNotCharged(Conflict):
    code = "payment_not_charged"


class PaymentNotApplied(Conflict):
    code = "payment_not_applied"


def refusal_of(attempt: PaymentAttempt) -> DomainError | None:
    """The error that tells the payer why a closed attempt took no money (None: it succeeded or is
    still open). Its details name the attempt, so a support person can find it."""
    details = {"payment_id": str(attempt.id), "status": attempt.status.value}
    if attempt.status == AttemptStatus.DECLINED:
        reason = attempt.failure_message or "The card was declined."
        return CardDeclined(f"The card was declined: {reason} Nothing was charged and the invoices are unchanged.",
                            details={**details, "decline_code": attempt.failure_code or "card_declined"})
    if attempt.status == AttemptStatus.REQUIRES_ACTION:
        return CardNeedsAuthentication(
            "This card needs its holder to confirm the payment with their bank (3-D Secure), which a saved-card "
            "payment cannot do. Nothing was charged; use another card.", details=details)
    if attempt.status == AttemptStatus.NOT_CHARGED:
        return PaymentNotCharged(f"This payment did not go through: {attempt.failure_message or 'not charged'}. "
                                 "Nothing was charged; try again.", details=details)
    if attempt.status == AttemptStatus.CHARGED_UNAPPLIED:
        return PaymentNotApplied("The card was charged, but the invoices changed meanwhile and could not take the "
                                 "payment; the business will refund it.",
                                 details={**details, "reason": attempt.failure_message})
    return None
