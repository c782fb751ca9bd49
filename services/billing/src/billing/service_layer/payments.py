"""Card payments that are never taken twice (R-PAY-1..3, R-EMAIL-3, R-EMAIL-4).

A payment is an attempt in steps, each its own committed transaction, so that a crash anywhere
leaves a row that says how far it got and can be finished by asking Stripe, never by charging again:

1. `begin`: the invoices are checked (rows locked), the attempt row written (`started`); its id is
   the Stripe idempotency key and goes into the intent's metadata. Commit.
2. Stripe: a payment intent is created UNCONFIRMED (nothing charged yet). `note_intent` stores its
   id (`intent_created`). Commit. A crash before this commit leaves an unconfirmed intent that
   charges nobody: recovery closes the attempt as not charged.
3. Stripe: the intent is confirmed (the charge).
4. `settle`: the outcome is recorded once: succeeded → applied to the invoices
   (`invoice_effects.record_payment`) and `billing.payment.succeeded` v2 published (one per payment:
   the confirmation email, R-EMAIL-3 or R-EMAIL-4); declined or needing authentication → closed,
   nothing changed on the invoices, no event. Commit.

After a crash between 3 and 4 the attempt stays `intent_created` until the recovery job
(payments_recovery.py) asks Stripe for the intent's state and settles it. A retry of the same
request (same Idempotency-Key, same person) resumes the same attempt instead of starting another.
Each step locks the attempt row and only moves it forward, so two finishers record it once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import timedelta
from uuid import UUID, uuid4

from petcare_contracts.events.billing import PaymentSucceededV2
from petcare_kit.errors import DomainError
from petcare_kit.idempotency import KeyReused

from billing.domain.payments import (
    AttemptStatus,
    CardProcessorUnavailable,
    ChargeOutcome,
    InitiatedBy,
    PaymentAttempt,
    PaymentInProgress,
    PaymentNotFound,
    allocations_for,
    check_asked,
)
from billing.service_layer import invoice_effects
from billing.service_layer.context import Context
from billing.service_layer.payments_cards import card_of
from billing.service_layer.payments_ports import CardProcessor

Units = Callable[[], AbstractAsyncContextManager[Context]]
"""Opens a fresh unit of work as a Context (each step of a payment commits its own transaction)."""
AfterConfirm = Callable[[PaymentAttempt, ChargeOutcome], None]
"""A hook run after Stripe confirmed and before the outcome is committed (fault injection in tests)."""
RECOVER_AFTER = timedelta(minutes=2)
"""An open attempt older than this is the recovery job's (longer than a request's Stripe calls)."""


@dataclass(frozen=True)
class PaymentRequest:
    """Who pays what: `asked` is (invoice id, cents or None = its whole balance) in order."""

    client_id: UUID
    card_id: UUID
    asked: Sequence[tuple[UUID, int | None]]
    tip_cents: int
    initiated_by: InitiatedBy
    request_key: str | None = None
    request_hash: str | None = None
    """The request's fingerprint (`petcare_kit.idempotency.request_hash`), stored with the key."""


def check_same_request(stored_hash: str | None, request_hash: str | None) -> None:
    """R-PAY-3: an Idempotency-Key names one request: reused with another (another body, path or
    query) it is refused, as the kit's middleware refuses it on other POSTs. Raises KeyReused (422
    `idempotency_key_reused`). A row stored before fingerprints were kept (None) is not compared."""
    if stored_hash is not None and request_hash is not None and stored_hash != request_hash:
        raise KeyReused("This Idempotency-Key was already used for another request; use a new key.")


async def begin(ctx: Context, request: PaymentRequest, *, recover_after: timedelta = RECOVER_AFTER) -> PaymentAttempt:
    """Step 1: write the attempt and commit. The same person's same request key returns the attempt
    it started before (a retried request resumes it). Raises InvalidPayment, CardNotFound,
    InvoiceNotFound / InvoiceNotPayable (invoice_effects), PaymentInProgress (another open attempt
    pays one of these invoices)."""
    payments, person = ctx.uow.payments, ctx.person_id_or_none
    if request.request_key is not None and person is not None:
        earlier = await payments.attempt_by_key(ctx.company_id, person, request.request_key)
        if earlier is not None:
            check_same_request(earlier.request_hash, request.request_hash)
            return earlier
    check_asked(request.asked, request.tip_cents)
    card = await card_of(ctx, request.client_id, request.card_id)
    ids = [invoice_id for invoice_id, _ in request.asked]
    balances = await invoice_effects.payable_balances(ctx, request.client_id, ids,
                                                      by_client=request.initiated_by == "client")
    allocations = allocations_for(balances, request.asked)
    # The invoice rows are locked until our commit: a concurrent payment of them waits, then sees ours.
    if await payments.open_attempts_on(ctx.company_id, ids):
        raise PaymentInProgress("A payment of these invoices is under way; look at the invoices again in a moment.")
    attempt = PaymentAttempt(
        id=uuid4(), company_id=ctx.company_id, client_id=request.client_id, card_id=card.id,
        customer_id=card.customer_id, payment_method_id=card.payment_method_id, card_brand=card.brand,
        card_last4=card.last4, allocations=allocations, tip_cents=request.tip_cents,
        initiated_by=request.initiated_by, requested_by=person, request_key=request.request_key,
        request_hash=request.request_hash if request.request_key is not None else None,
        created_at=ctx.now())
    await payments.add_attempt(attempt, recover_at=ctx.now() + recover_after)
    await ctx.commit()
    return attempt


async def note_intent(ctx: Context, payment_id: UUID, payment_intent_id: str, *,
                      recover_after: timedelta = RECOVER_AFTER) -> PaymentAttempt | None:
    """Step 2: store the unconfirmed intent's id and commit. None when the attempt was closed
    meanwhile (recovery found it stale): then it must not be confirmed."""
    attempt = await _locked(ctx, payment_id)
    if attempt.status != AttemptStatus.STARTED:
        return None
    attempt = replace(attempt, status=AttemptStatus.INTENT_CREATED, payment_intent_id=payment_intent_id)
    await ctx.uow.payments.save_attempt(attempt, recover_at=ctx.now() + recover_after)
    await ctx.commit()
    return attempt


async def settle(ctx: Context, payment_id: UUID, outcome: ChargeOutcome) -> PaymentAttempt:
    """Step 4: record what Stripe says the intent came to, once, and commit. Succeeded: applied to
    the invoices and `billing.payment.succeeded` v2 published (R-EMAIL-3/R-EMAIL-4). Declined, needing
    authentication, cancelled: closed, nothing else changes. Still processing: left open.
    Raises what `invoice_effects.record_payment` raises (see `close_unapplied`)."""
    attempt = await _locked(ctx, payment_id)
    if not attempt.is_open:
        return attempt  # recorded already (by the request, a retry or the recovery job)
    status = _status_of(outcome)
    if status is None:
        return attempt
    closed = attempt.closed(status, outcome)
    if status == AttemptStatus.SUCCEEDED:
        await invoice_effects.record_payment(ctx, attempt.id, attempt.client_id, attempt.paid_per_invoice(),
                                             tip_cents=attempt.tip_cents)
        await ctx.publish(PaymentSucceededV2(
            payment_id=attempt.id, client_id=attempt.client_id, invoice_ids=attempt.invoice_ids,
            amount_cents=attempt.amount_cents, tip_cents=attempt.tip_cents, initiated_by=attempt.initiated_by,
            card_brand=attempt.card_brand or None, card_last4=attempt.card_last4 or None,
            currency=attempt.currency), company_id=attempt.company_id)
    await ctx.uow.payments.save_attempt(closed)
    await ctx.commit()
    return closed


async def close_unapplied(ctx: Context, payment_id: UUID, error: DomainError) -> PaymentAttempt:
    """The card was charged but the invoices could no longer take it (voided or paid meanwhile):
    kept as `charged_unapplied` with the reason, for a manager to refund. No confirmation email."""
    attempt = await _locked(ctx, payment_id)
    if not attempt.is_open:
        return attempt
    closed = replace(attempt, status=AttemptStatus.CHARGED_UNAPPLIED, failure_code=error.code,
                     failure_message=error.message)
    await ctx.uow.payments.save_attempt(closed)
    await ctx.commit()
    return closed


async def close_not_charged(ctx: Context, payment_id: UUID, reason: str, *,
                            only: AttemptStatus | None = None) -> PaymentAttempt:
    """Close an open attempt as not charged (its intent never confirmed). `only`: just when it is
    still in that status (recovery of `started` attempts)."""
    attempt = await _locked(ctx, payment_id)
    if not attempt.is_open or (only is not None and attempt.status != only):
        return attempt
    closed = replace(attempt, status=AttemptStatus.NOT_CHARGED, failure_code="not_charged", failure_message=reason)
    await ctx.uow.payments.save_attempt(closed)
    await ctx.commit()
    return closed


async def take_payment(units: Units, processor: CardProcessor, request: PaymentRequest, *,
                       after_confirm: AfterConfirm | None = None,
                       recover_after: timedelta = RECOVER_AFTER) -> PaymentAttempt:
    """R-PAY-1/R-PAY-2: the whole attempt (steps 1-4), or the resumption of the same request's
    earlier attempt. Returns it as it stands: succeeded, closed (declined, requires_action, ...), or
    still open when Stripe's answer to the confirmation was lost (the recovery job finishes it)."""
    async with units() as ctx:
        attempt = await begin(ctx, request, recover_after=recover_after)
    return await drive(units, processor, attempt, after_confirm=after_confirm, recover_after=recover_after)


async def drive(units: Units, processor: CardProcessor, attempt: PaymentAttempt, *,
                after_confirm: AfterConfirm | None = None, recover_after: timedelta = RECOVER_AFTER) -> PaymentAttempt:
    """Steps 2-4 from wherever `attempt` stands (a resumed attempt asks Stripe before confirming)."""
    resumed = attempt.status == AttemptStatus.INTENT_CREATED
    if attempt.status == AttemptStatus.STARTED:
        try:
            intent_id = await processor.create_intent(
                customer_id=attempt.customer_id, payment_method_id=attempt.payment_method_id,
                amount_cents=attempt.amount_cents, currency=attempt.currency, attempt_id=str(attempt.id),
                metadata={"company_id": str(attempt.company_id), "client_id": str(attempt.client_id),
                          "initiated_by": attempt.initiated_by})
        except DomainError as error:  # refused, or unreachable (CardProcessorUnavailable)
            # An unconfirmed intent (if Stripe made one) charges nobody: closed as not charged.
            async with units() as ctx:
                await close_not_charged(ctx, attempt.id, error.message)
            raise
        async with units() as ctx:
            noted = await note_intent(ctx, attempt.id, intent_id, recover_after=recover_after)
        if noted is None:
            return await _reload(units, attempt)
        attempt = noted
    if attempt.status != AttemptStatus.INTENT_CREATED or attempt.payment_intent_id is None:
        return attempt
    try:
        outcome = await processor.payment_intent(attempt.payment_intent_id) if resumed else None
        if outcome is None or outcome.status == "requires_confirmation":
            outcome = await processor.confirm_intent(attempt.payment_intent_id)
        if outcome.status == "requires_action":
            await processor.cancel_intent(attempt.payment_intent_id)  # an off-session charge cannot authenticate
    except CardProcessorUnavailable:
        return attempt  # the outcome is unknown: left open for the recovery job, which asks Stripe
    if after_confirm is not None:
        after_confirm(attempt, outcome)
    return await record(units, attempt.id, outcome)


async def record(units: Units, payment_id: UUID, outcome: ChargeOutcome) -> PaymentAttempt:
    """Step 4 in its own transaction; a charge the invoices cannot take any more is kept as unapplied."""
    try:
        async with units() as ctx:
            return await settle(ctx, payment_id, outcome)
    except DomainError as error:  # the transaction above was rolled back: nothing half-applied
        async with units() as ctx:
            return await close_unapplied(ctx, payment_id, error)


async def payments_of(ctx: Context, client_id: UUID, *, limit: int, offset: int) -> list[PaymentAttempt]:
    """The client's payments and attempts, newest first (none for another company's client)."""
    return await ctx.uow.payments.payments_of(ctx.company_id, client_id, limit=limit, offset=offset)


async def payment(ctx: Context, payment_id: UUID, *, client_id: UUID | None = None) -> PaymentAttempt:
    """One payment; `client_id`: it must be theirs. Raises PaymentNotFound (the same for another's)."""
    found = await ctx.uow.payments.attempt(ctx.company_id, payment_id)
    if found is None or (client_id is not None and found.client_id != client_id):
        raise PaymentNotFound("No such payment.", details={"payment_id": str(payment_id)})
    return found


def _status_of(outcome: ChargeOutcome) -> AttemptStatus | None:
    if outcome.status == "succeeded":
        return AttemptStatus.SUCCEEDED
    if outcome.status == "declined":
        return AttemptStatus.DECLINED
    if outcome.status == "requires_action":
        return AttemptStatus.REQUIRES_ACTION
    if outcome.status in ("canceled", "failed"):
        return AttemptStatus.NOT_CHARGED
    return None  # processing / requires_confirmation: not final


async def _locked(ctx: Context, payment_id: UUID) -> PaymentAttempt:
    attempt = await ctx.uow.payments.attempt(ctx.company_id, payment_id, lock=True)
    if attempt is None:
        raise PaymentNotFound("No such payment.", details={"payment_id": str(payment_id)})
    return attempt


async def _reload(units: Units, attempt: PaymentAttempt) -> PaymentAttempt:
    async with units() as ctx:
        return await payment(ctx, attempt.id)
