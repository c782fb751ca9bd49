"""R-INV-3: the due date follows the company's rule."""

from datetime import date

import pytest
from billing.domain.due_dates import DueDateBasis, DueDateRule, InvalidDueDateRule, due_date

VISITS = [date(2026, 3, 10), date(2026, 3, 3), date(2026, 3, 20)]


@pytest.mark.parametrize(("rule", "expected"), [
    (DueDateRule(DueDateBasis.ON_FIRST_SERVICE), date(2026, 3, 3)),
    (DueDateRule(DueDateBasis.DAYS_BEFORE_FIRST_SERVICE, 5), date(2026, 2, 26)),
    (DueDateRule(DueDateBasis.ON_LAST_SERVICE), date(2026, 3, 20)),
    (DueDateRule(DueDateBasis.DAYS_AFTER_LAST_SERVICE, 15), date(2026, 4, 4)),
])
def test_r_inv_3_due_date_follows_the_company_rule(rule: DueDateRule, expected: date) -> None:
    assert due_date(rule, VISITS) == expected


def test_r_inv_3_an_invoice_without_visits_has_no_due_date() -> None:
    assert due_date(DueDateRule(DueDateBasis.ON_FIRST_SERVICE), []) is None


def test_r_inv_3_negative_days_are_refused() -> None:
    with pytest.raises(InvalidDueDateRule):
        DueDateRule(DueDateBasis.DAYS_AFTER_LAST_SERVICE, -1)
