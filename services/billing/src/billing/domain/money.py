"""Exact money for billing: amounts are integer cents (`int`), never float.

A rate may carry fractions of a cent (a tax rate of 8.875 %, texting overage at $0.025 a text,
R-BILL-4), so a *computed* amount is a `Decimal` of cents until it becomes an invoice line.

Rounding rule (the only one): ROUND_HALF_UP to the whole cent, once per invoice line (a line's
discount, its tax, a cancellation fee, a month's overage), never on a running total. Source:
SPEC.md, "Money is exact: integer cents, or Decimal where a rate has fractions of a cent (R-BILL-4),
rounded half-up to the cent only on an invoice line". Why per line: the client sees every line in
cents, so the total must be the plain sum of what is printed; rounding the total separately could
make it differ from that sum by a cent.

Amounts that are *split* (a payment over invoices, an invoice discount over lines) are not rounded
at all: `allocate` hands out whole cents so the parts always sum to the whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from petcare_kit.errors import InvalidInput

CENTS_PER_DOLLAR = 100
HUNDRED = Decimal(100)


class InvalidAmount(InvalidInput):
    code = "invalid_amount"


def round_to_cent(cents: Decimal) -> int:
    """A Decimal amount of cents rounded half-up to a whole cent (2.5 → 3, -2.5 → -3)."""
    return int(cents.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(cents: int, percent: Decimal) -> int:
    """`percent` % of `cents`, rounded half-up to the cent (one line's tax, fee or discount)."""
    return round_to_cent(Decimal(cents) * percent / HUNDRED)


def dollars_to_cents(text: str) -> int:
    """"12.34" → 1234. Raises `InvalidAmount` for anything not an exact number of cents."""
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise InvalidAmount(f"{text!r} is not an amount of money.", details={"amount": text}) from error
    cents = value * CENTS_PER_DOLLAR
    if not cents.is_finite() or cents != cents.to_integral_value():
        raise InvalidAmount(f"{text!r} is not a whole number of cents.", details={"amount": text})
    return int(cents)


def format_cents(cents: int) -> str:
    """1234 → "12.34", -5 → "-0.05" (dollars, exact)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), CENTS_PER_DOLLAR)
    return f"{sign}{whole}.{part:02d}"


def check_percent(percent: Decimal, *, field: str = "percent") -> Decimal:
    """A percentage between 0 and 100 inclusive, else `InvalidAmount`."""
    if not percent.is_finite() or not Decimal(0) <= percent <= HUNDRED:
        raise InvalidAmount(f"{field} must be between 0 and 100.", details={field: str(percent)})
    return percent


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` cents in proportion to non-negative `weights`, whole cents that sum to `total`
    exactly (largest remainder; ties go to the earlier part). All-zero weights split evenly.
    Raises `InvalidAmount` for negative weights or no parts."""
    if not weights:
        raise InvalidAmount("Nothing to split the amount over.")
    if any(weight < 0 for weight in weights):
        raise InvalidAmount("Weights must not be negative.")
    base = list(weights) if sum(weights) else [1] * len(weights)
    weight_sum = sum(base)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    shares = [magnitude * weight // weight_sum for weight in base]
    remainders = [magnitude * weight % weight_sum for weight in base]
    left = magnitude - sum(shares)
    for index in sorted(range(len(base)), key=lambda i: -remainders[i])[:left]:
        shares[index] += 1
    return [sign * share for share in shares]


def apply_in_order(amount: int, balances: Sequence[int]) -> list[int]:
    """R-PAY-1/2: a payment of `amount` cents over invoices with these `balances`, filling each in
    turn (the order the payer chose). Returns the cents applied to each; they sum to `amount`.
    Raises `InvalidAmount` when the amount is not positive or exceeds the balances together."""
    if amount <= 0:
        raise InvalidAmount("A payment must be more than zero.", details={"amount_cents": amount})
    if amount > sum(max(balance, 0) for balance in balances):
        raise InvalidAmount("The payment is more than what is owed on these invoices.",
                            details={"amount_cents": amount, "owed_cents": sum(balances)})
    applied: list[int] = []
    left = amount
    for balance in balances:
        part = min(max(balance, 0), left)
        applied.append(part)
        left -= part
    return applied
