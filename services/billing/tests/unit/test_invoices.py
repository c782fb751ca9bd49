"""R-INV-2, R-INV-3, R-PAY-1..3: lines, discounts, tax, tips, totals, statuses, payments, refunds."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from billing.domain.due_dates import DueDateBasis, DueDateRule
from billing.domain.invoices import (
    Discount,
    InvalidLine,
    Invoice,
    InvoiceHasPayments,
    InvoiceIsVoid,
    InvoiceStatus,
    Line,
    Overpayment,
    RefundExceedsPaid,
    cancelled,
    tax_rate,
    visit_line,
)
from billing.domain.money import InvalidAmount, percent_of
from hypothesis import given
from hypothesis import strategies as st

TODAY = date(2026, 3, 10)


def walk(price: int = 2_500, *, rate: int | None = None, taxable: bool = True) -> Line:
    return visit_line(visit_id=uuid4(), description="Dog walk", service_price_cents=price,
                      client_rate_cents=rate, taxable=taxable)


def test_r_inv_2_a_visit_line_uses_the_client_rate_where_set() -> None:
    assert walk(2_500).amount_cents == 2_500
    assert walk(2_500, rate=2_200).amount_cents == 2_200
    assert walk(2_500, rate=0).amount_cents == 0  # a free rate is still a rate


def test_r_inv_2_a_cancelled_visit_keeps_the_company_fee_unless_overridden() -> None:
    line = walk(4_000)
    assert cancelled(line, company_fee_percent=Decimal(50)).amount_cents == 2_000
    assert cancelled(line, company_fee_percent=Decimal(50), override_percent=Decimal(0)).amount_cents == 0
    assert cancelled(walk(999), company_fee_percent=Decimal(50)).amount_cents == 500  # 499.5 ¢ → 500 ¢
    with pytest.raises(InvalidAmount):
        cancelled(line, company_fee_percent=Decimal(50), override_percent=Decimal(101))


def test_r_inv_2_tax_is_on_taxable_lines_at_the_client_rate_or_the_company_rate() -> None:
    assert tax_rate(Decimal("8.875"), None) == Decimal("8.875")
    assert tax_rate(Decimal("8.875"), Decimal(0)) == 0  # a tax-exempt client
    invoice = Invoice(tax_rate_percent=Decimal("8.875"),
                      lines=[walk(2_500), Line("Key pickup", 1_000, taxable=False)])
    totals = invoice.totals()
    assert totals.tax_cents == 222  # 8.875 % of $25.00 = 221.875 ¢ → 222 ¢; the key pickup is untaxed
    assert totals.total_cents == 3_722


def test_r_inv_2_discounts_in_dollars_or_percent_tips_and_totals() -> None:
    invoice = Invoice(tax_rate_percent=Decimal(10),
                      lines=[Line("Walk", 2_000, quantity=3, taxable=True, discount=Discount(percent=Decimal(10))),
                             Line("Nail trim", 1_500, discount=Discount(amount_cents=500))],
                      discount=Discount(amount_cents=1_000))
    invoice.apply_payment(1_000, tip_cents=1_000)  # the client adds a $10 tip as they pay it
    totals = invoice.totals()
    # walk 6,000 - 600 = 5,400; trim 1,500 - 500 = 1,000; $10 spread 5,400:1,000 → 844 / 156
    assert totals.subtotal_cents == 7_500
    assert totals.discount_cents == 2_100
    assert totals.tax_cents == 456  # 10 % of 4,556 (the walk's net) = 455.6 → 456
    assert totals.tips_cents == 1_000
    assert totals.total_cents == 5_400 + 1_000 - 1_000 + 456 + 1_000
    assert totals.balance_cents == totals.total_cents - 1_000


def test_r_inv_2_a_discount_never_makes_a_line_negative() -> None:
    invoice = Invoice(lines=[Line("Walk", 500, discount=Discount(amount_cents=900))],
                      discount=Discount(amount_cents=10))
    assert invoice.totals().total_cents == 0
    with pytest.raises(InvalidLine):
        Discount(amount_cents=10, percent=Decimal(5))
    with pytest.raises(InvalidLine):
        Line("Walk", -1)


def test_r_inv_3_statuses_from_draft_to_paid() -> None:
    invoice = Invoice(lines=[walk(5_000, taxable=False)], due_date=date(2026, 3, 15))
    assert invoice.status_on(TODAY) is InvoiceStatus.DRAFT
    invoice.mark_sent()
    assert invoice.status_on(TODAY) is InvoiceStatus.SENT
    assert invoice.status_on(date(2026, 3, 16)) is InvoiceStatus.PAST_DUE
    invoice.apply_payment(2_500)
    assert invoice.status_on(TODAY) is InvoiceStatus.PARTIALLY_PAID
    assert invoice.status_on(date(2026, 3, 16)) is InvoiceStatus.PAST_DUE
    invoice.apply_payment(2_500)
    assert invoice.status_on(date(2026, 3, 16)) is InvoiceStatus.PAID


def test_r_inv_3_a_draft_is_never_past_due_and_void_is_final() -> None:
    invoice = Invoice(lines=[walk(5_000)], due_date=date(2026, 3, 1))
    assert invoice.status_on(TODAY) is InvoiceStatus.DRAFT
    invoice.void()
    assert invoice.status_on(TODAY) is InvoiceStatus.VOID
    changes = (invoice.mark_sent, invoice.void, lambda: invoice.apply_payment(100), lambda: invoice.add_line(walk()))
    for change in changes:
        with pytest.raises(InvoiceIsVoid):
            change()


def test_r_inv_3_an_invoice_holding_money_cannot_be_voided_until_refunded() -> None:
    invoice = Invoice(lines=[walk(5_000, taxable=False)])
    invoice.apply_payment(5_000)
    with pytest.raises(InvoiceHasPayments):
        invoice.void()
    invoice.apply_refund(5_000)
    invoice.void()
    assert invoice.status_on(TODAY) is InvoiceStatus.VOID


def test_r_pay_3_refunds_reduce_what_was_paid() -> None:
    invoice = Invoice(lines=[walk(5_000, taxable=False)])
    invoice.mark_sent()
    invoice.apply_payment(5_000)
    invoice.apply_refund(1_500)
    assert invoice.totals().paid_cents == 3_500
    assert invoice.totals().balance_cents == 1_500
    assert invoice.status_on(TODAY) is InvoiceStatus.PARTIALLY_PAID
    with pytest.raises(RefundExceedsPaid):
        invoice.apply_refund(3_501)
    invoice.apply_refund(3_500)
    assert invoice.status_on(TODAY) is InvoiceStatus.SENT


def test_r_pay_1_a_payment_cannot_exceed_the_balance() -> None:
    invoice = Invoice(lines=[walk(5_000, taxable=False)])
    with pytest.raises(Overpayment):
        invoice.apply_payment(5_001)
    with pytest.raises(Overpayment):
        invoice.apply_payment(0)
    invoice.apply_payment(6_000, tip_cents=1_000)  # the tip raises what may be paid
    assert invoice.totals().balance_cents == 0


lines_strategy = st.lists(
    st.builds(Line, description=st.just("line"), unit_cents=st.integers(0, 100_000), quantity=st.integers(1, 5),
              taxable=st.booleans(),
              discount=st.none() | st.builds(Discount, percent=st.decimals(0, 100, places=2))
              | st.builds(Discount, amount_cents=st.integers(0, 50_000))),
    max_size=8)


@given(lines=lines_strategy, rate=st.decimals(0, 25, places=3), invoice_off=st.integers(0, 10**6),
       tip=st.integers(0, 10_000))
def test_r_inv_2_totals_are_the_sum_of_what_each_line_shows(lines: list[Line], rate: Decimal, invoice_off: int,
                                                           tip: int) -> None:
    invoice = Invoice(tax_rate_percent=rate, lines=lines, discount=Discount(amount_cents=invoice_off), tips_cents=tip)
    nets = invoice.line_nets()
    totals = invoice.totals()
    assert all(net >= 0 for net in nets)
    assert totals.subtotal_cents - totals.discount_cents == sum(nets)
    assert totals.tax_cents == sum(percent_of(n, rate) for line, n in zip(lines, nets, strict=True) if line.taxable)
    assert totals.total_cents == sum(nets) + totals.tax_cents + tip
    assert totals.discount_cents <= totals.subtotal_cents


@given(price=st.integers(1, 10**6), operations=st.lists(st.tuples(st.booleans(), st.integers(1, 10**6)), max_size=20))
def test_r_pay_3_payments_and_refunds_never_lose_or_invent_a_cent(price: int,
                                                                 operations: list[tuple[bool, int]]) -> None:
    invoice = Invoice(lines=[Line("Walk", price)])
    taken = 0
    for is_payment, amount in operations:
        try:
            if is_payment:
                invoice.apply_payment(amount)
                taken += amount
            else:
                invoice.apply_refund(amount)
                taken -= amount
        except (Overpayment, RefundExceedsPaid):
            pass  # refused: nothing changed
        totals = invoice.totals()
        assert totals.paid_cents == taken
        assert 0 <= totals.paid_cents <= totals.total_cents
        assert totals.paid_cents + totals.balance_cents == totals.total_cents


def test_r_pkg_1_a_package_cover_comes_off_before_the_line_discount_and_tax() -> None:
    line = visit_line(visit_id=uuid4(), description="Walk", service_price_cents=3_000, taxable=True,
                      package_cover_percent=Decimal(50))
    invoice = Invoice(tax_rate_percent=Decimal(10), lines=[line])
    assert (line.cover_cents, invoice.totals().total_cents) == (1_500, 1_650)
    full = visit_line(visit_id=uuid4(), description="Walk", service_price_cents=3_000, taxable=True,
                      package_cover_percent=Decimal(100))
    assert Invoice(tax_rate_percent=Decimal(10), lines=[full]).totals().total_cents == 0


def test_r_inv_3_the_due_date_follows_the_rule_unless_set_by_hand() -> None:
    lines = [visit_line(visit_id=uuid4(), description="Walk", service_price_cents=1, taxable=False, visit_date=day)
             for day in (date(2026, 3, 12), date(2026, 3, 2))]
    invoice = Invoice(lines=[*lines, Line("Key pickup", 500)])
    invoice.follow_due_date_rule(DueDateRule(DueDateBasis.DAYS_AFTER_LAST_SERVICE, 3))
    assert invoice.due_date == date(2026, 3, 15)
    invoice.due_date, invoice.due_date_by_hand = date(2026, 4, 1), True
    invoice.follow_due_date_rule(DueDateRule(DueDateBasis.ON_FIRST_SERVICE))
    assert invoice.due_date == date(2026, 4, 1)
    assert invoice.remove_visit(lines[0].visit_id or uuid4()) and not invoice.remove_visit(uuid4())
    assert invoice.visit_ids() == [lines[1].visit_id]
