"""The Stripe sandbox (localstripe under our runner) through the real `stripe` SDK.

What billing relies on: customers carry the company id in metadata, test cards attach, an
off-session payment intent succeeds, a declined card fails with its reason, instances share no
state, and the process listens on 127.0.0.1 only and ends with the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import psutil
import pytest
import stripe
from petcare_tools.testing.sandboxes import run_stripe_sandbox


def client_for(url: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_sandbox", base_addresses={"api": url}, max_network_retries=0)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    with run_stripe_sandbox() as url:
        yield url


def test_a_customer_keeps_the_company_id_and_a_saved_visa_card_is_charged(sandbox: str) -> None:
    stripe_api = client_for(sandbox)
    customer = stripe_api.v1.customers.create(
        params={"email": "ann@example.com", "metadata": {"company_id": "co-1", "client_id": "cl-1"}})
    assert stripe_api.v1.customers.retrieve(customer.id).metadata["company_id"] == "co-1"

    card = stripe_api.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    assert card.card is not None and card.card.last4 == "4242"
    intent = stripe_api.v1.payment_intents.create(params={
        "amount": 2550, "currency": "usd", "customer": customer.id, "payment_method": card.id,
        "confirm": True, "off_session": True, "metadata": {"attempt_id": "a-1"},
    })
    assert (intent.status, intent.amount) == ("succeeded", 2550)
    assert stripe_api.v1.payment_intents.retrieve(intent.id).metadata["attempt_id"] == "a-1"


def test_a_declined_card_fails_and_says_why(sandbox: str) -> None:
    stripe_api = client_for(sandbox)
    customer = stripe_api.v1.customers.create(params={"metadata": {"company_id": "co-1"}})
    card = stripe_api.v1.payment_methods.attach("pm_card_chargeCustomerFail", params={"customer": customer.id})
    with pytest.raises(stripe.CardError) as declined:
        stripe_api.v1.payment_intents.create(params={
            "amount": 1000, "currency": "usd", "customer": customer.id, "payment_method": card.id,
            "confirm": True, "off_session": True,
        })
    assert declined.value.code == "card_declined"
    assert "declined" in (declined.value.user_message or "")


def test_two_instances_share_no_state_and_each_binds_loopback_only(sandbox: str) -> None:
    customer = client_for(sandbox).v1.customers.create(params={"metadata": {"company_id": "co-1"}})
    with run_stripe_sandbox() as other:
        with pytest.raises(stripe.InvalidRequestError):
            client_for(other).v1.customers.retrieve(customer.id)
        port = urlsplit(other).port
        listening = [c for c in psutil.net_connections("inet") if c.status == "LISTEN" and c.laddr.port == port]
        assert listening and {c.laddr.ip for c in listening} == {"127.0.0.1"}
        owner = psutil.Process(listening[0].pid)
    assert not owner.is_running() or owner.status() == psutil.STATUS_ZOMBIE
    assert client_for(sandbox).v1.customers.retrieve(customer.id).id == customer.id


def test_a_card_that_needs_authentication_leaves_the_intent_requiring_action(sandbox: str) -> None:
    stripe_api = client_for(sandbox)
    customer = stripe_api.v1.customers.create(params={"metadata": {"company_id": "co-1"}})
    card = stripe_api.v1.payment_methods.create(params={
        "type": "card", "card": {"number": "4000002500003155", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
    })
    stripe_api.v1.payment_methods.attach(card.id, params={"customer": customer.id})
    intent = stripe_api.v1.payment_intents.create(params={
        "amount": 700, "currency": "usd", "customer": customer.id, "payment_method": card.id,
        "confirm": True, "off_session": True,
    })
    assert intent.status == "requires_action"
