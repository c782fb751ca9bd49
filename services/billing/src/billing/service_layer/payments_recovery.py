"""Finishing payment attempts and refunds left open by a crash or a lost answer (R-PAY-3).

Recovery never charges: it asks Stripe what became of the attempt's payment intent and records
that once (payments.settle), or closes an attempt whose intent was never confirmed as not charged:
- `started` (no intent id stored): any intent Stripe made for it is unconfirmed → not charged;
- `intent_created`: Stripe is asked. Succeeded → recorded (invoices, event, email); declined →
  closed; still `requires_confirmation` (we crashed before confirming) → the intent is cancelled
  and the attempt closed as not charged (the payer was never told it went through);
  `requires_action` → cancelled too; `processing` → asked again later.
A pending refund is looked up at Stripe by our refund id in its metadata: found → recorded; not
found → failed (nothing was refunded; a manager may refund again).
"""

from __future__ import annotations

from uuid import UUID

from billing.domain.payments import AttemptStatus, PaymentAttempt
from billing.service_layer import payments as attempts
from billing.service_layer import payments_refunds as refunds
from billing.service_layer.payments import Units
from billing.service_layer.payments_ports import CardProcessor


async def recover_attempt(units: Units, processor: CardProcessor, payment_id: UUID) -> PaymentAttempt:
    """Finish one open attempt as described above; returns it as it then stands."""
    async with units() as ctx:
        attempt = await attempts.payment(ctx, payment_id)
    if attempt.status == AttemptStatus.STARTED:
        async with units() as ctx:
            return await attempts.close_not_charged(
                ctx, payment_id, "The payment stopped before the card was charged; nothing was taken.",
                only=AttemptStatus.STARTED)
    if attempt.status != AttemptStatus.INTENT_CREATED or attempt.payment_intent_id is None:
        return attempt
    outcome = await processor.payment_intent(attempt.payment_intent_id)
    if outcome.status in ("requires_confirmation", "requires_action"):
        cancelled = await processor.cancel_intent(attempt.payment_intent_id)
        if outcome.status == "requires_confirmation":
            outcome = cancelled
    return await attempts.record(units, payment_id, outcome)


async def recover_refund(units: Units, processor: CardProcessor, refund_id: UUID) -> None:
    """Finish one pending refund as described above."""
    async with units() as ctx:
        refund = await ctx.uow.payments.refund(ctx.company_id, refund_id)
        if refund is None or refund.status != "pending":
            return
        payment = await attempts.payment(ctx, refund.payment_id)
    assert payment.payment_intent_id is not None  # only succeeded payments are refunded
    stripe_id = await processor.find_refund(payment_intent_id=payment.payment_intent_id, refund_id=str(refund_id))
    async with units() as ctx:
        if stripe_id is None:
            await refunds.fail(ctx, refund_id, "The refund stopped before Stripe made it; nothing was refunded.")
        else:
            await refunds.settle(ctx, refund_id, stripe_id)
