"""What a manager asks of billing settings (R-INV-2, R-INV-3): the API's request bodies. Unknown
fields are refused; percentages are decimals 0..100 with at most 4 places (as text "8.875" or a
number), prices integer cents."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from petcare_kit.validation import AsciiInteger, AsciiNumber
from pydantic import Field

from billing.domain.due_dates import DueDateBasis
from billing.service_layer.commands import Command

Percent = Annotated[Decimal, AsciiNumber, Field(ge=0, le=100, max_digits=7, decimal_places=4, allow_inf_nan=False)]
MAX_RATE_CENTS = 100_000_000
"""$1,000,000: far above any visit's price, small enough for a 32-bit column."""


class PutBillingSettings(Command):
    """R-INV-2/3: the company's sales-tax rate (%), its default cancellation fee (% of a cancelled
    visit's price) and its due-date rule (`due_date_days` counts only for the "days_..." bases)."""

    tax_rate_percent: Percent
    cancellation_fee_percent: Percent
    due_date_basis: DueDateBasis
    due_date_days: Annotated[int, AsciiInteger] = Field(0, ge=0, le=365)


class SetClientTaxRate(Command):
    """R-INV-2: the client's own sales-tax rate (0 for a tax-exempt client); null: the company's."""

    tax_rate_percent: Percent | None


class SetClientRate(Command):
    """R-INV-2: the client's own price for one service, in cents, used for their visits' lines."""

    rate_cents: Annotated[int, AsciiInteger] = Field(ge=0, le=MAX_RATE_CENTS)
