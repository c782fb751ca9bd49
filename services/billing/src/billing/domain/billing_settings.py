"""A company's billing settings and a client's own billing values (R-INV-2, R-INV-3). Pure.

Defaults (a company that never saved its settings): sales tax 0 %, cancellation fee 100 % of the
visit's price (a late cancellation is charged in full unless the business lowers or waives it), due
date on the first service. Rates are Decimal percentages, prices integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from billing.domain.due_dates import DueDateBasis, DueDateRule
from billing.domain.money import InvalidAmount, check_percent

DEFAULT_TAX_RATE_PERCENT = Decimal(0)
DEFAULT_CANCELLATION_FEE_PERCENT = Decimal(100)
DEFAULT_DUE_DATE_RULE = DueDateRule(DueDateBasis.ON_FIRST_SERVICE)


@dataclass(frozen=True)
class CompanyBillingSettings:
    """R-INV-2/3: the company's sales-tax rate (%), default cancellation fee (% of a cancelled
    visit's price) and due-date rule. Raises InvalidAmount for a % outside 0..100."""

    company_id: UUID
    tax_rate_percent: Decimal = DEFAULT_TAX_RATE_PERCENT
    cancellation_fee_percent: Decimal = DEFAULT_CANCELLATION_FEE_PERCENT
    due_date_rule: DueDateRule = DEFAULT_DUE_DATE_RULE

    def __post_init__(self) -> None:
        check_percent(self.tax_rate_percent, field="tax_rate_percent")
        check_percent(self.cancellation_fee_percent, field="cancellation_fee_percent")


@dataclass(frozen=True)
class ClientBilling:
    """R-INV-2: a client's own sales-tax rate (None: the company's) and own price per service
    (service id → cents), used for their visits' lines instead of the service's price."""

    company_id: UUID
    client_id: UUID
    tax_rate_percent: Decimal | None = None
    rates: dict[UUID, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.tax_rate_percent is not None:
            check_percent(self.tax_rate_percent, field="tax_rate_percent")
        for cents in self.rates.values():
            check_rate(cents)


def check_rate(cents: int) -> int:
    """A per-client price: whole cents, zero or more. Raises InvalidAmount."""
    if cents < 0:
        raise InvalidAmount("A rate is zero or more.", details={"rate_cents": cents})
    return cents
