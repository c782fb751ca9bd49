"""Exact money: rounding half-up on a line, splits that never lose or invent a cent."""

from decimal import Decimal

import pytest
from billing.domain.money import (
    InvalidAmount,
    allocate,
    apply_in_order,
    dollars_to_cents,
    format_cents,
    percent_of,
    round_to_cent,
)
from hypothesis import given
from hypothesis import strategies as st


def test_half_a_cent_rounds_up_on_a_line() -> None:
    assert round_to_cent(Decimal("2.5")) == 3
    assert round_to_cent(Decimal("2.4999")) == 2
    assert round_to_cent(Decimal("-2.5")) == -3
    assert percent_of(1_000, Decimal("8.875")) == 89  # 88.75 ¢ → 89 ¢


def test_dollars_parse_exactly_and_refuse_fractions_of_a_cent() -> None:
    assert dollars_to_cents("12.34") == 1234
    assert dollars_to_cents("0.1") == 10
    assert format_cents(1234) == "12.34"
    assert format_cents(-5) == "-0.05"
    for bad in ("0.001", "abc", "NaN", "Infinity"):
        with pytest.raises(InvalidAmount):
            dollars_to_cents(bad)


def test_r_pay_1_a_payment_fills_the_chosen_invoices_in_order() -> None:
    assert apply_in_order(7_000, [5_000, 3_000, 1_000]) == [5_000, 2_000, 0]
    with pytest.raises(InvalidAmount):
        apply_in_order(9_001, [5_000, 3_000, 1_000])
    with pytest.raises(InvalidAmount):
        apply_in_order(0, [5_000])


@given(total=st.integers(-10**9, 10**9), weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_allocate_never_loses_or_invents_a_cent(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    if sum(weights) and total >= 0:
        # each part is within one cent of its exact share
        for part, weight in zip(parts, weights, strict=True):
            assert abs(part * sum(weights) - total * weight) < sum(weights)


@given(balances=st.lists(st.integers(0, 10**7), min_size=1, max_size=10), data=st.data())
def test_r_pay_1_splitting_a_payment_over_invoices_keeps_every_cent(balances: list[int], data: st.DataObject) -> None:
    owed = sum(balances)
    if owed == 0:
        return
    amount = data.draw(st.integers(1, owed))
    applied = apply_in_order(amount, balances)
    assert sum(applied) == amount
    assert all(0 <= part <= balance for part, balance in zip(applied, balances, strict=True))


@given(st.integers(-10**12, 10**12))
def test_cents_round_trip_through_dollars(cents: int) -> None:
    assert dollars_to_cents(format_cents(cents)) == cents
