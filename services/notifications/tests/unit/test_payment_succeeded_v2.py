"""R-EMAIL-3 / R-EMAIL-4 from billing.payment.succeeded v2 (one event per payment, several invoices,
a tip): notifications consumes it beside v1 and sends the same confirmation, the tip shown."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from notifications.adapters.email_templates import render_email
from notifications.bootstrap import HANDLES
from notifications.domain.triggers import Trigger, payment_trigger
from notifications.entrypoints.consumers import SUBSCRIBERS, on_payment_succeeded
from petcare_contracts.events.billing import PaymentSucceeded, PaymentSucceededV2


def v2(initiated_by: str, tip: int = 0) -> dict[str, Any]:
    return PaymentSucceededV2(payment_id=uuid4(), client_id=uuid4(), invoice_ids=[uuid4(), uuid4()],
                              amount_cents=4_750, tip_cents=tip, initiated_by=initiated_by,  # type: ignore[arg-type]
                              card_brand="visa", card_last4="4242").model_dump(mode="json")


def render(trigger: Trigger, data: dict[str, Any]) -> tuple[str, str, str]:
    return render_email(trigger, recipient_name="Ann", company_name="Happy Paws", data=data)


def test_r_email_3_and_r_email_4_v2_is_consumed_beside_v1_by_the_same_handler() -> None:
    assert PaymentSucceededV2 in HANDLES and PaymentSucceeded in HANDLES
    assert SUBSCRIBERS[PaymentSucceededV2] is SUBSCRIBERS[PaymentSucceeded] is on_payment_succeeded


def test_r_email_3_the_client_payment_confirmation_shows_the_amount_and_the_tip() -> None:
    data = v2("client", tip=500)
    subject, text, _ = render(payment_trigger("client"), data)
    assert subject == "Happy Paws: we received your payment of $47.50"
    assert "Tip included" in text and "$5.00" in text and data["payment_id"] in text


def test_r_email_4_the_charge_confirmation_names_the_card() -> None:
    subject, text, _ = render(payment_trigger("business"), v2("business"))
    assert subject == "Happy Paws charged $47.50 to your card"
    assert "Visa ending in 4242" in text and "Tip" not in text
