"""R-INV-2, R-PKG-1, R-PAY-1: numbers sent as text (percentages, rates, cents) are ASCII digits with
at most one "." and the places each field allows; Python would otherwise read "٥" (an Arabic-Indic
five), "５", "1_0", " 5 " or "5e0" as numbers."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from billing.service_layer.billing_settings_commands import PutBillingSettings, SetClientRate, SetClientTaxRate
from billing.service_layer.invoices_commands import AddCustomLine, SetCancellationFee, SetDiscount
from billing.service_layer.packages_commands import DefinePackage
from billing.service_layer.payments_commands import PayInvoices, RefundPayment
from pydantic import BaseModel, ValidationError

NOT_ASCII = ["٥", "５", "1_0", " 5 ", "5e0", "+5.", ".5", "5.0.0", "٥.٥", "NaN", "Infinity", ""]
SETTINGS = {"cancellation_fee_percent": "100", "due_date_basis": "on_first_service", "due_date_days": 0}


def cases(text: str) -> list[tuple[type[BaseModel], dict[str, Any]]]:
    walk = [{"service_id": str(uuid4()), "count": 1}]
    return [
        (PutBillingSettings, {**SETTINGS, "tax_rate_percent": text}),
        (PutBillingSettings, {**SETTINGS, "tax_rate_percent": "0", "cancellation_fee_percent": text}),
        (PutBillingSettings, {**SETTINGS, "tax_rate_percent": "0", "due_date_days": text}),
        (SetClientTaxRate, {"tax_rate_percent": text}),
        (SetClientRate, {"rate_cents": text}),
        (SetDiscount, {"percent": text}),
        (SetDiscount, {"amount_cents": text}),
        (SetCancellationFee, {"percent": text}),
        (AddCustomLine, {"description": "Walk", "unit_cents": text}),
        (AddCustomLine, {"description": "Walk", "unit_cents": 1, "quantity": text}),
        (DefinePackage, {"name": "Walks", "services": walk, "discount_percent": text}),
        (DefinePackage, {"name": "Walks", "services": walk, "price_cents": text}),
        (PayInvoices, {"card_id": str(uuid4()), "invoices": [{"invoice_id": str(uuid4()), "amount_cents": text}]}),
        (PayInvoices, {"card_id": str(uuid4()), "invoices": [{"invoice_id": str(uuid4())}], "tip_cents": text}),
        (RefundPayment, {"amount_cents": text}),
    ]


@pytest.mark.parametrize("text", NOT_ASCII)
def test_r_inv_2_numeric_text_is_ascii_digits_only(text: str) -> None:
    for model, body in cases(text):
        with pytest.raises(ValidationError):
            model.model_validate(body)
            pytest.fail(f"{model.__name__} took {body!r}")


def test_r_inv_2_plain_ascii_numbers_and_json_numbers_still_pass() -> None:
    assert str(PutBillingSettings.model_validate({**SETTINGS, "tax_rate_percent": "8.875"}).tax_rate_percent) == "8.875"
    assert SetDiscount.model_validate({"percent": 10}).percent == 10
    assert SetDiscount.model_validate({"amount_cents": "150"}).amount_cents == 150
    with pytest.raises(ValidationError):  # bounded places: 4 for a tax rate
        PutBillingSettings.model_validate({**SETTINGS, "tax_rate_percent": "8.87501"})
