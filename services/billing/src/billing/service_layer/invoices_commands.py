"""What managers ask of invoices (R-INV-2..4, R-EMAIL-5), one command per use case; also the API's
request bodies: unknown fields are refused and sizes bounded, so bad input is a 422 in the one error
shape before anything changes. Money is integer cents; percentages are Decimal (0..100, at most
four decimal places: 8.875 %)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from petcare_kit.validation import AsciiInteger, AsciiNumber
from pydantic import Field, StringConstraints, model_validator

from billing.service_layer.commands import Command

Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Cents = Annotated[int, AsciiInteger,
                  Field(ge=0, le=100_000_000, description="integer cents (exact money), 0..$1,000,000")]
Percent = Annotated[Decimal, AsciiNumber, Field(ge=0, le=100, max_digits=7, decimal_places=4,
                                   description="a percentage 0..100, e.g. \"10\" or \"8.875\"")]


class CreateInvoice(Command):
    """An empty draft invoice for `client_id` (a client of the caller's company); lines come after.
    Never emailed (R-NEVER-1)."""

    client_id: UUID


class AddCustomLine(Command):
    """R-INV-2: a custom line of `quantity` × `unit_cents`, taxed at the invoice's rate when `taxable`."""

    description: Description
    unit_cents: Cents
    quantity: Annotated[int, AsciiInteger] = Field(1, ge=1, le=10_000)
    taxable: bool = False


class SetDiscount(Command):
    """R-INV-2: the invoice's own discount, either `amount_cents` (dollars and cents off) or `percent`
    (% off), exactly one of them. Replaces any earlier discount (DELETE the discount to remove it)."""

    amount_cents: Cents | None = None
    percent: Percent | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SetDiscount:
        if (self.amount_cents is None) == (self.percent is None):
            raise ValueError("send either amount_cents or percent, not both and not neither")
        return self


class SetCancellationFee(Command):
    """R-INV-2: a cancelled visit's line charges `percent` % of its price instead of the company's
    default cancellation fee (0 waives it); `null` goes back to the company's default."""

    percent: Percent | None
