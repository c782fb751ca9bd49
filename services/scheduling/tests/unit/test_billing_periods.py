"""R-SCHED-5 billing frequencies and their periods, the automatic approval day, the 12-month projection."""

from __future__ import annotations

from datetime import date

import pytest
from scheduling.domain.billing_periods import (
    BillingFrequency,
    InvalidBillingFrequency,
    Period,
    check_auto_approve_days,
    period_holding,
    periods,
    projection_end,
)

D = date.fromisoformat

# (frequency, every_weeks, template's first date, window, expected periods "start..end")
PERIOD_TABLE = [
    ("weekly", 1, "2026-01-07", ("2026-01-07", "2026-01-27"),
     ["2026-01-07..2026-01-13", "2026-01-14..2026-01-20", "2026-01-21..2026-01-27"]),
    ("every_n_weeks", 2, "2026-01-07", ("2026-01-07", "2026-02-10"),
     ["2026-01-07..2026-01-20", "2026-01-21..2026-02-03", "2026-02-04..2026-02-17"]),
    ("semi_monthly", 1, "2026-01-20", ("2026-01-20", "2026-03-01"),
     ["2026-01-16..2026-01-31", "2026-02-01..2026-02-15", "2026-02-16..2026-02-28", "2026-03-01..2026-03-15"]),
    ("semi_monthly", 1, "2024-02-03", ("2024-02-03", "2024-02-20"),
     ["2024-02-01..2024-02-15", "2024-02-16..2024-02-29"]),
    ("monthly", 1, "2026-01-31", ("2026-01-31", "2026-04-01"),
     ["2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31", "2026-04-01..2026-04-30"]),
]


@pytest.mark.parametrize(("kind", "weeks", "anchor", "window", "expected"), PERIOD_TABLE)
def test_r_sched_5_billing_periods(kind: str, weeks: int, anchor: str, window: tuple[str, str],
                                   expected: list[str]) -> None:
    found = periods(BillingFrequency(kind, weeks), D(anchor), first=D(window[0]), last=D(window[1]))  # type: ignore[arg-type]
    assert [f"{p.start}..{p.end}" for p in found] == expected


def test_r_sched_5_periods_later_in_the_window_only() -> None:
    found = periods(BillingFrequency("weekly"), D("2026-01-07"), first=D("2026-01-20"), last=D("2026-01-21"))
    assert found == [Period(D("2026-01-14"), D("2026-01-20")), Period(D("2026-01-21"), D("2026-01-27"))]
    assert period_holding(BillingFrequency("weekly"), D("2026-01-07"), D("2026-01-06")) is None


def test_r_sched_5_a_period_is_approved_automatically_n_days_before_it_starts() -> None:
    period = Period(D("2026-03-01"), D("2026-03-31"))
    assert period.approve_on(7) == D("2026-02-22")
    assert period.approve_on(0) == D("2026-03-01")


def test_r_sched_5_projections_reach_12_months_ahead() -> None:
    assert projection_end(D("2026-01-15")) == D("2027-01-14")
    assert projection_end(D("2024-02-29")) == D("2025-02-27")


@pytest.mark.parametrize(("kind", "weeks"), [("every_n_weeks", 1), ("every_n_weeks", 53), ("weekly", 2),
                                             ("monthly", 3)])
def test_r_sched_5_impossible_billing_frequencies_are_refused(kind: str, weeks: int) -> None:
    with pytest.raises(InvalidBillingFrequency):
        BillingFrequency(kind, weeks)  # type: ignore[arg-type]


def test_automatic_approval_is_0_to_60_days_ahead_or_by_hand() -> None:
    check_auto_approve_days(None)
    check_auto_approve_days(60)
    with pytest.raises(Exception, match="0 to 60"):
        check_auto_approve_days(61)
