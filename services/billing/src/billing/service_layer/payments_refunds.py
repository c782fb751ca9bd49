"""Refunds (R-PAY-3), by a manager, in full or in part, through Stripe: what was paid on the
payment's invoices goes down (`invoice_effects.record_refund`) and `billing.payment.refunded` v1 is
published. As payments, in steps that each commit: the refund row first (its id is Stripe's
idempotency key and in the refund's metadata), then Stripe, then the outcome, recorded once.
A crash in between leaves a pending refund that the recovery job settles by asking Stripe."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from uuid import UUID, uuid4

from petcare_contracts.events.billing import PaymentRefunded
from petcare_kit.errors import DomainError

from billing.domain.payments import PaymentNotFound, Refund, refund_allocations
from billing.service_layer import invoice_effects
from billing.service_layer.context import Context
from billing.service_layer.payments import RECOVER_AFTER, Units, check_same_request
from billing.service_layer.payments_ports import CardProcessor


async def begin(ctx: Context, payment_id: UUID, amount_cents: int | None, *,
                recover_after: timedelta = RECOVER_AFTER, request_key: str | None = None,
                request_hash: str | None = None) -> tuple[Refund, str | None]:
    """Write the pending refund and commit; returns it with the payment's intent id (None when the
    same person's same `request_key` asked for it before: that refund, nothing new). Raises
    PaymentNotFound, PaymentNotRefundable, RefundExceedsPayment."""
    person = ctx.person_id_or_none
    if request_key is not None and person is not None:
        earlier = await ctx.uow.payments.refund_by_key(ctx.company_id, person, request_key)
        if earlier is not None:
            check_same_request(earlier.request_hash, request_hash)
            return earlier, None
    payment = await ctx.uow.payments.attempt(ctx.company_id, payment_id, lock=True)
    if payment is None:
        raise PaymentNotFound("No such payment.", details={"payment_id": str(payment_id)})
    amount, allocations = refund_allocations(payment, amount_cents)
    stored_hash = request_hash if request_key is not None else None
    refund = Refund(uuid4(), payment.id, amount, allocations, None, "pending", created_at=ctx.now(),
                    request_hash=stored_hash)
    await ctx.uow.payments.add_refund(ctx.company_id, refund, requested_by=person,
                                      recover_at=ctx.now() + recover_after, request_key=request_key,
                                      request_hash=stored_hash)
    await ctx.commit()
    assert payment.payment_intent_id is not None  # a succeeded payment has its intent
    return refund, payment.payment_intent_id


async def settle(ctx: Context, refund_id: UUID, stripe_refund_id: str) -> Refund:
    """Record a refund Stripe made, once: invoices, the payment's refunded cents, the event. Commit."""
    payments = ctx.uow.payments
    refund = await payments.refund(ctx.company_id, refund_id, lock=True)
    if refund is None or refund.status != "pending":
        assert refund is not None
        return refund
    payment = await payments.attempt(ctx.company_id, refund.payment_id, lock=True)
    assert payment is not None
    await invoice_effects.record_refund(ctx, refund.id, payment.client_id,
                                        {a.invoice_id: a.amount_cents for a in refund.allocations})
    done = replace(refund, status="succeeded", stripe_refund_id=stripe_refund_id)
    await payments.save_refund(ctx.company_id, done)
    await payments.save_attempt(replace(payment, refunded_cents=payment.refunded_cents + refund.amount_cents))
    await ctx.publish(PaymentRefunded(payment_id=payment.id, refund_id=refund.id, client_id=payment.client_id,
                                      amount_cents=refund.amount_cents,
                                      invoice_ids=[a.invoice_id for a in refund.allocations],
                                      currency=payment.currency), company_id=payment.company_id)
    await ctx.commit()
    return done


async def fail(ctx: Context, refund_id: UUID, reason: str) -> Refund | None:
    """A pending refund Stripe did not make: failed, nothing changed. Commit."""
    refund = await ctx.uow.payments.refund(ctx.company_id, refund_id, lock=True)
    if refund is None or refund.status != "pending":
        return refund
    failed = replace(refund, status="failed", failure_message=reason)
    await ctx.uow.payments.save_refund(ctx.company_id, failed)
    await ctx.commit()
    return failed


async def refund_payment(units: Units, processor: CardProcessor, payment_id: UUID, amount_cents: int | None, *,
                         recover_after: timedelta = RECOVER_AFTER, request_key: str | None = None,
                         request_hash: str | None = None) -> Refund:
    """R-PAY-3: refund `amount_cents` (None: all that is left) of a payment. Returns the refund:
    succeeded, or pending when Stripe's answer was lost (the recovery job finishes it). A retried
    request (same person, same `request_key`) gets the refund it asked for before, never a second;
    the same key with another request (`request_hash` differs) is refused: KeyReused (422).
    Raises PaymentNotFound, PaymentNotRefundable, RefundExceedsPayment, and Stripe's refusal."""
    async with units() as ctx:
        refund, intent_id = await begin(ctx, payment_id, amount_cents, recover_after=recover_after,
                                        request_key=request_key, request_hash=request_hash)
    if intent_id is None:
        return refund  # asked for before: as it stands (a pending one is settled by the job)
    try:
        stripe_id = await processor.refund(payment_intent_id=intent_id, amount_cents=refund.amount_cents,
                                           refund_id=str(refund.id))
    except DomainError as error:
        if error.status >= 500:
            return refund  # the answer was lost: Stripe may have refunded; the recovery job asks it
        async with units() as ctx:
            await fail(ctx, refund.id, error.message)
        raise
    async with units() as ctx:
        return await settle(ctx, refund.id, stripe_id)
