"""Texting charges, R-BILL-1..5 (seed 001): $10 a month for the reserved number, 250 texts a month
per active staff member pooled across the company, unused texts roll over to the next month, and
texts beyond allowance + rollover are billed at the end of the month at $0.025 a text.

Months are the company's local calendar months; the caller counts the texts in them. Sent and
received texts both count (R-TEXT-13; failed sends are not billed). Rollover is not capped (the seed
names no cap), and which texts are spent first does not change the sums. The overage
charge is one invoice line, so it is rounded half-up to the cent once (e.g. 3 texts = 7.5 ¢ → 8 ¢).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from petcare_kit.errors import InvalidInput

from billing.domain.money import round_to_cent

NUMBER_FEE_CENTS = 1_000  # R-BILL-1: $10 a month
TEXTS_PER_ACTIVE_STAFF = 250  # R-BILL-2
OVERAGE_CENTS_PER_TEXT = Decimal("2.5")  # R-BILL-4: $0.025 a text


class InvalidUsage(InvalidInput):
    code = "invalid_texting_usage"


@dataclass(frozen=True)
class Charge:
    """One transaction of the texting history (R-BILL-5): what and how many cents."""

    month: str
    description: str
    cents: int


@dataclass(frozen=True)
class TextingPeriod:
    """R-BILL-5: one month's record. `month` is "YYYY-MM" in the company's zone."""

    month: str
    active_staff: int
    texts_sent: int
    texts_received: int
    allowance: int
    rolled_over_in: int
    overage_texts: int
    rolled_over_out: int
    number_fee_cents: int
    overage_cents: int

    @property
    def texts_used(self) -> int:
        return self.texts_sent + self.texts_received

    @property
    def total_cents(self) -> int:
        return self.number_fee_cents + self.overage_cents

    def charges(self) -> list[Charge]:
        """The month's transactions: the number fee if the number was held, the overage if any."""
        charges = []
        if self.number_fee_cents:
            charges.append(Charge(self.month, "Reserved texting number", self.number_fee_cents))
        if self.overage_cents:
            charges.append(Charge(self.month, f"{self.overage_texts} texts over the allowance at $0.025",
                                  self.overage_cents))
        return charges


def close_month(*, month: str, active_staff: int, texts_sent: int, texts_received: int,
                rolled_over_in: int, number_held: bool = True) -> TextingPeriod:
    """R-BILL-1..4: bill a finished month. `active_staff` is the company's count of active staff
    members for the month; `rolled_over_in` is the previous period's `rolled_over_out` (0 for the
    first). Raises `InvalidUsage` for negative counts."""
    counts = {"active_staff": active_staff, "texts_sent": texts_sent, "texts_received": texts_received,
              "rolled_over_in": rolled_over_in}
    negative = {name: value for name, value in counts.items() if value < 0}
    if negative:
        raise InvalidUsage("Counts of staff and texts cannot be negative.", details=negative)
    allowance = active_staff * TEXTS_PER_ACTIVE_STAFF
    available = allowance + rolled_over_in
    used = texts_sent + texts_received
    overage = max(used - available, 0)
    return TextingPeriod(
        month=month, active_staff=active_staff, texts_sent=texts_sent, texts_received=texts_received,
        allowance=allowance, rolled_over_in=rolled_over_in, overage_texts=overage,
        rolled_over_out=max(available - used, 0),
        number_fee_cents=NUMBER_FEE_CENTS if number_held else 0,
        overage_cents=round_to_cent(overage * OVERAGE_CENTS_PER_TEXT),
    )
