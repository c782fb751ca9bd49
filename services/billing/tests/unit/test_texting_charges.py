"""R-BILL-1..5 with the seed's own worked figures (seed 001)."""

from datetime import timedelta

import pytest
from billing.domain.texting_charges import (
    InvalidUsage,
    close_month,
    month_bounds,
    month_of,
    next_month,
    previous_month,
    zone_of,
)
from hypothesis import given
from hypothesis import strategies as st


def test_r_bill_1_the_number_costs_10_dollars_a_month() -> None:
    period = close_month(month="2026-01", active_staff=1, texts_sent=0, texts_received=0, rolled_over_in=0)
    assert period.number_fee_cents == 1_000
    assert period.total_cents == 1_000
    assert [(c.description, c.cents) for c in period.charges()] == [("Reserved texting number", 1_000)]


def test_r_bill_2_two_staff_share_500_texts_300_and_100_is_no_overage() -> None:
    # "a company with 2 staff members has 500 texts per month... If one staff sends or receives 300
    # texts, and one sends or receives 100, there are no overages."
    period = close_month(month="2026-01", active_staff=2, texts_sent=300, texts_received=100, rolled_over_in=0)
    assert period.allowance == 500
    assert period.texts_used == 400
    assert period.overage_texts == 0
    assert period.overage_cents == 0
    assert period.total_cents == 1_000


def test_r_bill_3_unused_texts_roll_over_into_the_next_month() -> None:
    january = close_month(month="2026-01", active_staff=2, texts_sent=300, texts_received=100, rolled_over_in=0)
    assert january.rolled_over_out == 100
    february = close_month(month="2026-02", active_staff=2, texts_sent=450, texts_received=150,
                           rolled_over_in=january.rolled_over_out)
    # 600 used against 500 + 100 rolled over: still no overage, nothing left to roll
    assert february.overage_texts == 0
    assert february.rolled_over_out == 0


def test_r_bill_4_an_overage_month_is_billed_at_2_and_a_half_cents_a_text() -> None:
    march = close_month(month="2026-03", active_staff=2, texts_sent=500, texts_received=200, rolled_over_in=100)
    assert march.overage_texts == 100
    assert march.overage_cents == 250  # 100 × $0.025 = $2.50
    assert march.total_cents == 1_250
    assert march.rolled_over_out == 0
    assert [c.cents for c in march.charges()] == [1_000, 250]


def test_r_bill_4_half_a_cent_of_overage_rounds_up_once_on_the_line() -> None:
    period = close_month(month="2026-03", active_staff=1, texts_sent=253, texts_received=0, rolled_over_in=0)
    assert period.overage_texts == 3
    assert period.overage_cents == 8  # 7.5 ¢ → 8 ¢


def test_r_bill_5_the_period_record_keeps_used_sent_received_rollover_overage_and_charges() -> None:
    period = close_month(month="2026-04", active_staff=1, texts_sent=200, texts_received=90,
                         rolled_over_in=20, number_held=False)
    assert (period.month, period.texts_sent, period.texts_received, period.texts_used) == ("2026-04", 200, 90, 290)
    assert (period.allowance, period.rolled_over_in, period.overage_texts, period.rolled_over_out) == (250, 20, 20, 0)
    assert period.number_fee_cents == 0
    assert [(c.month, c.cents) for c in period.charges()] == [("2026-04", 50)]


def test_r_bill_negative_counts_are_refused() -> None:
    with pytest.raises(InvalidUsage):
        close_month(month="2026-01", active_staff=-1, texts_sent=0, texts_received=0, rolled_over_in=0)


@given(staff=st.integers(0, 50), months=st.lists(st.integers(0, 20_000), min_size=1, max_size=12))
def test_r_bill_2_4_over_months_every_text_is_either_allowed_or_billed(staff: int, months: list[int]) -> None:
    rolled = 0
    for index, used in enumerate(months):
        period = close_month(month=f"2026-{index + 1:02d}", active_staff=staff, texts_sent=used,
                             texts_received=0, rolled_over_in=rolled)
        # texts are conserved: available + overage = used + what rolls on
        assert period.allowance + rolled + period.overage_texts == used + period.rolled_over_out
        assert period.overage_texts == 0 or period.rolled_over_out == 0
        # the charge is the exact overage rounded half-up, never off by more than half a cent
        assert abs(period.overage_cents * 2 - period.overage_texts * 5) <= 1
        rolled = period.rolled_over_out


@given(staff=st.integers(0, 50), sent=st.integers(0, 50_000), received=st.integers(0, 50_000),
       rolled=st.integers(0, 50_000), held=st.booleans())
def test_r_bill_1_4_5_the_charges_are_the_total_to_the_cent(staff: int, sent: int, received: int, rolled: int,
                                                           held: bool) -> None:
    """No cent lost or invented: the month's transactions sum to its total, which is the $10 (when
    the number was held) plus the exact overage at 2.5 ¢ a text, rounded half-up once (so never
    below the exact amount and less than a cent above it)."""
    period = close_month(month="2026-05", active_staff=staff, texts_sent=sent, texts_received=received,
                         rolled_over_in=rolled, number_held=held)
    assert sum(c.cents for c in period.charges()) == period.total_cents
    assert period.total_cents == period.number_fee_cents + period.overage_cents
    assert period.number_fee_cents == (1_000 if held else 0)
    assert period.overage_cents * 2 - period.overage_texts * 5 in (0, 1)
    assert all(c.cents > 0 and c.month == "2026-05" for c in period.charges())


@given(month=st.builds("{:04d}-{:02d}".format, st.integers(1970, 2099), st.integers(1, 12)),
       zone=st.sampled_from(["America/New_York", "Pacific/Auckland", "Asia/Kolkata", "UTC", None]))
def test_r_bill_local_months_follow_each_other_without_gaps_or_overlaps(month: str, zone: str | None) -> None:
    tz = zone_of(zone)
    start, end = month_bounds(month, tz)
    next_start, _ = month_bounds(next_month(month), tz)
    assert end == next_start and start < end
    assert month_of(start, tz) == month and month_of(end - timedelta(microseconds=1), tz) == month
    assert previous_month(next_month(month)) == month
