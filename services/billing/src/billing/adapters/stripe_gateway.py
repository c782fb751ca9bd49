"""The Stripe adapter: the official `stripe` SDK, pointed at localstripe without credentials.

One platform Stripe account per deployment (docs/billing.md); a company's client is a Stripe
customer with `company_id` (and `client_id`) in its metadata. Amounts are integer cents.
Only parameters localstripe knows are sent (it answers 400 to others), so the production path is
the one the tests run. The SDK's own network retries are off: localstripe ignores idempotency
keys, so a retried POST could charge twice there; retries belong to our payment attempts
(service_layer/payments.py), which recover by asking Stripe (`payment_intent`), never by charging
again. Stripe's errors come out as billing's domain errors (CardDeclined 402, InvalidPaymentMethod
422, CardProcessorUnavailable 503).
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

import stripe

from billing.config import BillingSettings
from billing.domain.payments import (
    CardDeclined,
    CardDetails,
    CardProcessorUnavailable,
    ChargeOutcome,
    ChargeStatus,
    InvalidPaymentMethod,
)

STRIPE_TIMEOUT_SECONDS = 30.0
"""One call's limit (the SDK's default is 80 s); an open payment is left to the recovery job only
after `payment_recover_after_seconds` (120 s), longer than a step's calls can take."""
SavedCard = CardDetails
"""The name this adapter used first (kept for callers)."""
T = TypeVar("T")


def make_stripe_client(settings: BillingSettings) -> stripe.StripeClient:
    """A StripeClient for the platform account: `STRIPE_API_BASE` set → that base (localstripe)."""
    base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
    return stripe.StripeClient(
        settings.stripe_api_key,
        base_addresses=base,  # type: ignore[arg-type]  # a TypedDict with every key optional
        http_client=stripe.HTTPXClient(timeout=STRIPE_TIMEOUT_SECONDS),
        max_network_retries=0,
    )


@dataclass
class StripeGateway:
    """Customers, saved cards and charges on the platform account (async, through httpx)."""

    client: stripe.StripeClient

    async def create_customer(self, *, company_id: str, client_id: str, email: str | None,
                              name: str | None, idempotency_key: str) -> str:
        """Create the Stripe customer of one company's client; returns its id (`cus_...`)."""
        metadata = {"company_id": company_id, "client_id": client_id}
        customer = await _call(self.client.v1.customers.create_async(
            params={"metadata": metadata, **({"email": email} if email else {}), **({"name": name} if name else {})},
            options={"idempotency_key": idempotency_key}))
        return customer.id

    async def attach_card(self, *, customer_id: str, payment_method_id: str) -> CardDetails:
        """Save a card payment method on the customer (R-PAY-4: its brand, last 4 and expiry come
        back, never its number). Raises CardDeclined, InvalidPaymentMethod, CardProcessorUnavailable."""
        method = await _call(self.client.v1.payment_methods.attach_async(
            payment_method_id, params={"customer": customer_id}))
        card = method.card
        if card is None:
            raise InvalidPaymentMethod("This payment method is not a card.")
        return CardDetails(method.id, card.brand, card.last4, card.exp_month, card.exp_year)

    async def detach_card(self, payment_method_id: str) -> None:
        """Detach a saved card from its customer (it can no longer be charged)."""
        try:
            await _call(self.client.v1.payment_methods.detach_async(payment_method_id))
        except InvalidPaymentMethod:
            pass  # gone already, or detached before: what we wanted

    async def create_intent(self, *, customer_id: str, payment_method_id: str, amount_cents: int,
                            currency: str, attempt_id: str, metadata: dict[str, str]) -> str:
        """An unconfirmed payment intent for one attempt (R-PAY-3): nothing is charged until
        `confirm_intent`. The attempt id is the idempotency key (real Stripe) and in the metadata."""
        if amount_cents <= 0:
            raise ValueError("amount_cents must be positive")
        intent = await _call(self.client.v1.payment_intents.create_async(
            params={"amount": amount_cents, "currency": currency.lower(), "customer": customer_id,
                    "payment_method": payment_method_id, "metadata": {**metadata, "attempt_id": attempt_id}},
            options={"idempotency_key": attempt_id}))
        return intent.id

    async def confirm_intent(self, payment_intent_id: str) -> ChargeOutcome:
        """Confirm (charge) the intent. A decline is an outcome (`declined`, with Stripe's reason).
        No parameters: localstripe refuses `off_session` on confirm (docs/billing.md); a card that
        needs authentication comes back `requires_action`. Raises CardProcessorUnavailable when
        the answer is lost (the charge may have happened: ask `payment_intent` later)."""
        try:
            intent = await self.client.v1.payment_intents.confirm_async(
                payment_intent_id, options={"idempotency_key": f"{payment_intent_id}-confirm"})
        except stripe.CardError as error:
            return ChargeOutcome("declined", _intent_id(error) or payment_intent_id,
                                 error.code or "card_declined", error.user_message)
        except stripe.StripeError as error:
            raise _translated(error) from error
        return _outcome_of(intent)

    async def charge(self, *, customer_id: str, payment_method_id: str, amount_cents: int,
                     currency: str, attempt_id: str, metadata: dict[str, str]) -> ChargeOutcome:
        """Create and confirm in one call (kept for the adapter's tests; payments use the two steps)."""
        intent_id = await self.create_intent(customer_id=customer_id, payment_method_id=payment_method_id,
                                             amount_cents=amount_cents, currency=currency, attempt_id=attempt_id,
                                             metadata=metadata)
        return await self.confirm_intent(intent_id)

    async def payment_intent(self, payment_intent_id: str) -> ChargeOutcome:
        """Ask Stripe for the state of a payment intent (recovery; webhooks are not relied on)."""
        return _outcome_of(await _call(self.client.v1.payment_intents.retrieve_async(payment_intent_id)))

    async def cancel_intent(self, payment_intent_id: str) -> ChargeOutcome:
        """Cancel an intent that was not charged (requires confirmation or action)."""
        return _outcome_of(await _call(self.client.v1.payment_intents.cancel_async(payment_intent_id)))

    async def refund(self, *, payment_intent_id: str, amount_cents: int, refund_id: str) -> str:
        """Refund `amount_cents` of a succeeded intent; our refund id is the idempotency key and in
        the metadata (so recovery can find it). Returns Stripe's `re_...`."""
        refund = await _call(self.client.v1.refunds.create_async(
            params={"payment_intent": payment_intent_id, "amount": amount_cents,
                    "metadata": {"refund_id": refund_id}},
            options={"idempotency_key": refund_id}))
        return refund.id

    async def find_refund(self, *, payment_intent_id: str, refund_id: str) -> str | None:
        """Stripe's id of the intent's refund carrying `refund_id` in its metadata, or None."""
        page = await _call(self.client.v1.refunds.list_async(
            params={"payment_intent": payment_intent_id, "limit": 100}))
        for refund in page.data:
            metadata = refund.metadata
            if metadata is not None and "refund_id" in metadata and metadata["refund_id"] == refund_id:
                return refund.id
        return None


def _outcome_of(intent: stripe.PaymentIntent) -> ChargeOutcome:
    error = intent.last_payment_error
    if error is not None and intent.status != "succeeded":
        return ChargeOutcome("declined", intent.id, error.code, error.message)
    return ChargeOutcome(_status(intent.status), intent.id)


async def _call(request: Awaitable[T]) -> T:
    try:
        return await request
    except stripe.StripeError as error:
        raise _translated(error) from error


def _translated(error: stripe.StripeError) -> Exception:
    """Stripe's errors as ours: a card refusal (402), a bad id or request (422), anything else
    (network, 5xx, rate limits, auth) as unavailable."""
    if isinstance(error, stripe.CardError):
        return CardDeclined(error.user_message or "The card was declined.",
                            details={"decline_code": error.code or "card_declined"})
    if isinstance(error, stripe.InvalidRequestError):
        # Stripe's own text ("Not Found", "No such PaymentMethod: ...") is for developers: the person
        # gets what to do, Stripe's words stay in details.
        missing = error.http_status == 404 or error.code == "resource_missing"
        message = ("This card is not known to the card processor (its payment method id was not found): "
                   "enter the card again." if missing
                   else "The card processor refused this card or request: check the card's details, or use "
                        "another card.")
        return InvalidPaymentMethod(message, details={"stripe_code": error.code,
                                                      "stripe_message": error.user_message or str(error)})
    return CardProcessorUnavailable("The card processor could not be reached; try again in a moment.")


def _status(stripe_status: str) -> ChargeStatus:
    if stripe_status in ("succeeded", "requires_action", "requires_confirmation", "processing", "canceled"):
        return stripe_status  # type: ignore[return-value]  # the same words
    return "failed"  # requires_payment_method (a failed charge), requires_capture (never asked for)


def _intent_id(error: stripe.StripeError) -> str | None:
    body = error.json_body if isinstance(error.json_body, dict) else {}
    intent = body.get("error", {}).get("payment_intent") if isinstance(body.get("error"), dict) else None
    return str(intent["id"]) if isinstance(intent, dict) and "id" in intent else None
