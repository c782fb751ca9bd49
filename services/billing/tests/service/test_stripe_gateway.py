"""The Stripe adapter against localstripe (the `stripe_sandbox` fixture): R-PAY-2 declines say why."""

from __future__ import annotations

import pytest
from billing.adapters.stripe_gateway import StripeGateway, make_stripe_client
from billing.config import BillingSettings


@pytest.fixture
def gateway(stripe_sandbox: str) -> StripeGateway:
    return StripeGateway(make_stripe_client(BillingSettings(stripe_api_base=stripe_sandbox)))


async def test_a_saved_card_is_charged_and_stripe_can_be_asked_for_the_outcome(gateway: StripeGateway) -> None:
    customer = await gateway.create_customer(company_id="co-1", client_id="cl-1", email="ann@example.com",
                                             name="Ann", idempotency_key="customer-cl-1")
    card = await gateway.attach_card(customer_id=customer, payment_method_id="pm_card_visa")
    assert card.last4 == "4242"
    outcome = await gateway.charge(customer_id=customer, payment_method_id=card.payment_method_id,
                                   amount_cents=1999, currency="USD", attempt_id="attempt-1",
                                   metadata={"company_id": "co-1"})
    assert outcome.status == "succeeded" and outcome.payment_intent_id
    assert (await gateway.payment_intent(outcome.payment_intent_id)).status == "succeeded"


async def test_r_pay_2_a_declined_card_is_an_outcome_with_the_reason(gateway: StripeGateway) -> None:
    customer = await gateway.create_customer(company_id="co-1", client_id="cl-2", email=None, name=None,
                                             idempotency_key="customer-cl-2")
    card = await gateway.attach_card(customer_id=customer, payment_method_id="pm_card_chargeCustomerFail")
    outcome = await gateway.charge(customer_id=customer, payment_method_id=card.payment_method_id,
                                   amount_cents=500, currency="usd", attempt_id="attempt-2", metadata={})
    assert outcome.status == "declined"
    assert outcome.decline_code == "card_declined" and "declined" in (outcome.message or "")


async def test_a_card_that_needs_authentication_is_not_a_success(gateway: StripeGateway) -> None:
    customer = await gateway.create_customer(company_id="co-1", client_id="cl-3", email=None, name=None,
                                             idempotency_key="customer-cl-3")
    method = await gateway.client.v1.payment_methods.create_async(params={
        "type": "card", "card": {"number": "4000002500003155", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
    })
    card = await gateway.attach_card(customer_id=customer, payment_method_id=method.id)
    outcome = await gateway.charge(customer_id=customer, payment_method_id=card.payment_method_id,
                                   amount_cents=700, currency="usd", attempt_id="attempt-3", metadata={})
    assert outcome.status == "requires_action"
