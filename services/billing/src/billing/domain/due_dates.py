"""R-INV-3: an invoice's due date follows the company's rule, from the dates of its visits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from petcare_kit.errors import InvalidInput


class DueDateBasis(StrEnum):
    ON_FIRST_SERVICE = "on_first_service"
    DAYS_BEFORE_FIRST_SERVICE = "days_before_first_service"
    ON_LAST_SERVICE = "on_last_service"
    DAYS_AFTER_LAST_SERVICE = "days_after_last_service"


class InvalidDueDateRule(InvalidInput):
    code = "invalid_due_date_rule"


@dataclass(frozen=True)
class DueDateRule:
    """The company's rule: `basis` and, for the "N days" ones, `days` (0 or more; ignored otherwise)."""

    basis: DueDateBasis
    days: int = 0

    def __post_init__(self) -> None:
        if self.days < 0:
            raise InvalidDueDateRule("The number of days must be zero or more.", details={"days": self.days})


def due_date(rule: DueDateRule, service_dates: Iterable[date]) -> date | None:
    """R-INV-3: the due date for an invoice whose visits fall on `service_dates` (local dates);
    None while it has no visits (a custom-lines-only invoice has no service to anchor on)."""
    dates = sorted(service_dates)
    if not dates:
        return None
    first, last = dates[0], dates[-1]
    match rule.basis:
        case DueDateBasis.ON_FIRST_SERVICE:
            return first
        case DueDateBasis.DAYS_BEFORE_FIRST_SERVICE:
            return first - timedelta(days=rule.days)
        case DueDateBasis.ON_LAST_SERVICE:
            return last
        case DueDateBasis.DAYS_AFTER_LAST_SERVICE:
            return last + timedelta(days=rule.days)
