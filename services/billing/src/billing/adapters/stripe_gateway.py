"""The Stripe adapter: the official `stripe` SDK, pointed at localstripe without credentials.

One platform Stripe account per deployment (docs/billing.md); a company's client is a Stripe
customer with `company_id` (and `client_id`) in its metadata. Amounts are integer cents.
Only parameters localstripe knows are sent (it answers 400 to others), so the production path is
the one the tests run. The SDK's own network retries are off: localstripe ignores idempotency
keys, so a retried POST could charge twice there; retries belong to our provider-call queue,
which recovers by asking Stripe (`payment_intent`) before trying again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import stripe

from billing.config import BillingSettings

ChargeStatus = Literal["succeeded", "declined", "requires_action", "processing", "failed"]


@dataclass(frozen=True)
class SavedCard:
    payment_method_id: str
    brand: str
    last4: str


@dataclass(frozen=True)
class ChargeOutcome:
    """What a charge attempt came to. `decline_code`/`message` say why when it was declined."""

    status: ChargeStatus
    payment_intent_id: str | None
    decline_code: str | None = None
    message: str | None = None


def make_stripe_client(settings: BillingSettings) -> stripe.StripeClient:
    """A StripeClient for the platform account: `STRIPE_API_BASE` set → that base (localstripe)."""
    base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
    return stripe.StripeClient(
        settings.stripe_api_key,
        base_addresses=base,  # type: ignore[arg-type]  # a TypedDict with every key optional
        http_client=stripe.HTTPXClient(),
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
        customer = await self.client.v1.customers.create_async(
            params={"metadata": metadata, **({"email": email} if email else {}), **({"name": name} if name else {})},
            options={"idempotency_key": idempotency_key})
        return customer.id

    async def attach_card(self, *, customer_id: str, payment_method_id: str) -> SavedCard:
        """Save a card payment method on the customer. Raises `stripe.CardError` when declined."""
        method = await self.client.v1.payment_methods.attach_async(
            payment_method_id, params={"customer": customer_id})
        card = method.card
        return SavedCard(method.id, card.brand if card else "", card.last4 if card else "")

    async def charge(self, *, customer_id: str, payment_method_id: str, amount_cents: int,
                     currency: str, attempt_id: str, metadata: dict[str, str]) -> ChargeOutcome:
        """Charge a saved card off-session (R-PAY-*): one payment intent per attempt, the attempt id
        as idempotency key and in metadata (so a crash can be recovered by asking Stripe).
        A decline is an outcome, not an exception: `status="declined"` with Stripe's reason."""
        if amount_cents <= 0:
            raise ValueError("amount_cents must be positive")
        try:
            intent = await self.client.v1.payment_intents.create_async(
                params={
                    "amount": amount_cents, "currency": currency.lower(), "customer": customer_id,
                    "payment_method": payment_method_id, "confirm": True, "off_session": True,
                    "metadata": {**metadata, "attempt_id": attempt_id},
                },
                options={"idempotency_key": attempt_id},
            )
        except stripe.CardError as error:
            intent_id = _intent_id(error)
            return ChargeOutcome("declined", intent_id, error.code or "card_declined", error.user_message)
        return ChargeOutcome(_status(intent.status), intent.id)

    async def payment_intent(self, payment_intent_id: str) -> ChargeOutcome:
        """Ask Stripe for the state of a payment intent (recovery; webhooks are not relied on)."""
        intent = await self.client.v1.payment_intents.retrieve_async(payment_intent_id)
        error = intent.last_payment_error
        if error is not None and intent.status != "succeeded":
            return ChargeOutcome("declined", intent.id, error.code, error.message)
        return ChargeOutcome(_status(intent.status), intent.id)


def _status(stripe_status: str) -> ChargeStatus:
    if stripe_status == "succeeded":
        return "succeeded"
    if stripe_status == "requires_action":
        return "requires_action"
    if stripe_status == "processing":
        return "processing"
    return "failed"


def _intent_id(error: stripe.StripeError) -> str | None:
    body = error.json_body if isinstance(error.json_body, dict) else {}
    intent = body.get("error", {}).get("payment_intent") if isinstance(body.get("error"), dict) else None
    return str(intent["id"]) if isinstance(intent, dict) and "id" in intent else None
