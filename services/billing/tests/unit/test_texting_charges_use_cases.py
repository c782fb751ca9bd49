"""Texting charges use cases on fakes (R-BILL-1..5 with the seed's own figures, seed 001): texting's
events become periods in the company's LOCAL months, closed once, with every text in the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from billing.domain.money import round_to_cent
from billing.domain.texting_charges import (
    NUMBER_FEE,
    OVERAGE,
    OVERAGE_CENTS_PER_TEXT,
    TEXT_RECEIVED,
    TEXT_SENT,
    Period,
)
from billing.service_layer import texting_charges as charges
from billing.service_layer.context import Context
from billing.service_layer.texting_charges_commands import (
    CloseDuePeriods,
    CloseTextingMonth,
    ListTextingTransactions,
    RecordNumberProvisioned,
    RecordNumberReleased,
    RecordTextUsage,
)
from billing.service_layer.texting_charges_ports import CompanyNotKnownYet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork

NEW_YORK_JAN = datetime(2026, 1, 10, 17, 0, tzinfo=UTC)  # noon in New York
NUMBER = "+12125550142"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now


def world(staff: int = 2, zone: str | None = "America/New_York") -> tuple[FakeUnitOfWork, Context, UUID, Clock]:
    uow = FakeUnitOfWork()
    company = uow.texting_charges.company(uuid4(), zone, staff)
    clock = Clock(datetime(2026, 1, 1, 5, 0, tzinfo=UTC))
    ctx = Context(uow, Identity(Role.INTERNAL, company_id=company))
    ctx.now = lambda: clock.now  # type: ignore[method-assign]
    return uow, ctx, company, clock


async def texts(ctx: Context, company: UUID, at: datetime, sent: int = 0, received: int = 0) -> None:
    for direction, count in (("outbound", sent), ("inbound", received)):
        for _ in range(count):
            await charges.record_text_usage(ctx, RecordTextUsage(company_id=company, text_id=uuid4(),
                                                                 direction=direction, units=1, occurred_at=at))


async def texting_closes(ctx: Context, clock: Clock, company: UUID, month: str) -> list[Period]:
    """texting.usage.month_closed for `month`, received an hour after the month's end (New York)."""
    year, number = int(month[:4]), int(month[5:7])
    clock.now = datetime(year + number // 12, number % 12 + 1, 1, 6, 0, tzinfo=UTC)
    return await charges.close_texting_month(ctx, CloseTextingMonth(company_id=company, month=month, sent=0,
                                                                    received=0))


def bill_of(uow: FakeUnitOfWork, company: UUID, month: str) -> Period:
    period = uow.texting_charges.rows[(company, month)]
    assert period.bill is not None, f"{month} is not closed"
    return period


async def provision(ctx: Context, company: UUID, at: datetime = datetime(2026, 1, 1, 6, tzinfo=UTC)) -> None:
    await charges.record_number_provisioned(ctx, RecordNumberProvisioned(company_id=company, number=NUMBER,
                                                                         provisioned_at=at))


async def test_r_bill_2_two_staff_have_500_texts_one_uses_300_one_100_no_overage() -> None:
    uow, ctx, company, clock = world(staff=2)
    await provision(ctx, company)
    await texts(ctx, company, NEW_YORK_JAN, sent=300)  # one staff member's
    await texts(ctx, company, NEW_YORK_JAN, received=100)  # the other's
    await texting_closes(ctx, clock, company, "2026-01")
    january = bill_of(uow, company, "2026-01").bill
    assert january is not None
    assert (january.allowance, january.texts_used, january.overage_texts, january.overage_cents) == (500, 400, 0, 0)
    assert january.total_cents == 1_000  # R-BILL-1: the number only


async def test_r_bill_3_unused_texts_roll_over_into_the_next_month() -> None:
    uow, ctx, company, clock = world(staff=2)
    await provision(ctx, company)
    await texts(ctx, company, NEW_YORK_JAN, sent=300, received=100)
    await texting_closes(ctx, clock, company, "2026-01")
    await texts(ctx, company, datetime(2026, 2, 10, 17, tzinfo=UTC), sent=450, received=150)
    await texting_closes(ctx, clock, company, "2026-02")
    january, february = (bill_of(uow, company, m).bill for m in ("2026-01", "2026-02"))
    assert january is not None and february is not None
    assert january.rolled_over_out == 100 and february.rolled_over_in == 100
    assert (february.texts_used, february.overage_texts, february.rolled_over_out) == (600, 0, 0)
    assert february.total_cents == 1_000


async def test_r_bill_4_an_overage_month_is_billed_at_2_and_a_half_cents_a_text() -> None:
    uow, ctx, company, clock = world(staff=2)
    await provision(ctx, company)
    await texts(ctx, company, NEW_YORK_JAN, sent=500, received=101)
    await texting_closes(ctx, clock, company, "2026-01")
    period = bill_of(uow, company, "2026-01")
    assert period.bill is not None
    assert (period.bill.overage_texts, period.bill.overage_cents, period.bill.total_cents) == (101, 253, 1_253)
    page, total = await charges.list_transactions(ctx, ListTextingTransactions(month="2026-01", limit=200, offset=0))
    assert total == 601 + 2  # every text, the number fee and the overage (R-BILL-5)
    assert all(t.kind in (TEXT_SENT, TEXT_RECEIVED) and t.cents == 0 for t in page)
    rest, _ = await charges.list_transactions(ctx, ListTextingTransactions(month="2026-01", limit=200, offset=600))
    assert sorted((t.kind, t.cents) for t in rest if t.cents) == [(NUMBER_FEE, 1_000), (OVERAGE, 253)]  # $2.525 → $2.53


async def test_r_bill_5_a_text_at_23_30_local_on_the_last_day_counts_in_the_local_month() -> None:
    uow, ctx, company, clock = world(staff=1)
    late = datetime(2026, 2, 1, 4, 30, tzinfo=UTC)  # 31 January 23:30 in New York
    await texts(ctx, company, late, sent=1)
    await texts(ctx, company, late + timedelta(hours=1), received=1)  # 1 February 00:30 there
    periods = {p.month: (p.texts_sent, p.texts_received) for p in await charges.list_periods(ctx)}
    assert periods == {"2026-01": (1, 0), "2026-02": (0, 1)}
    [transaction] = (await charges.list_transactions(ctx, ListTextingTransactions(month="2026-01", limit=10,
                                                                                  offset=0)))[0]
    assert (transaction.kind, transaction.units, transaction.cents) == (TEXT_SENT, 1, 0)


async def test_r_bill_5_a_period_closes_once_with_replays_and_the_job() -> None:
    uow, ctx, company, clock = world(staff=1)
    await provision(ctx, company)
    text_id = uuid4()
    for _ in range(2):  # a replayed text is one transaction
        await charges.record_text_usage(ctx, RecordTextUsage(company_id=company, text_id=text_id, direction="inbound",
                                                             units=1, occurred_at=NEW_YORK_JAN))
    assert [p.month for p in await texting_closes(ctx, clock, company, "2026-01")] == ["2026-01"]
    assert await texting_closes(ctx, clock, company, "2026-01") == []
    clock.now = datetime(2026, 2, 10, tzinfo=UTC)
    assert await charges.close_due_periods(ctx, company, CloseDuePeriods(now=clock.now, grace=timedelta(0))) == []
    january = bill_of(uow, company, "2026-01")
    assert (january.texts_received, january.closed_by) == (1, "texting")
    charges_ = [t for t in uow.texting_charges.history.values() if t.month == "2026-01" and t.cents]
    assert [t.cents for t in charges_] == [1_000]


async def test_r_bill_5_a_text_arriving_after_its_month_closed_counts_in_the_next_open_period() -> None:
    uow, ctx, company, clock = world(staff=1)
    await provision(ctx, company)
    await texting_closes(ctx, clock, company, "2026-01")
    await texts(ctx, company, datetime(2026, 1, 31, 12, tzinfo=UTC), sent=1)  # January's, late
    february = uow.texting_charges.rows[(company, "2026-02")]
    assert (february.is_closed, february.texts_sent) == (False, 1)
    [late] = [t for t in uow.texting_charges.history.values() if t.kind == TEXT_SENT]
    assert late.month == "2026-02" and "2026-01" in late.description


async def test_r_bill_1_the_job_bills_a_held_number_in_a_month_without_texts_and_texting_down() -> None:
    uow, ctx, company, clock = world(staff=1)
    await provision(ctx, company, datetime(2026, 1, 20, tzinfo=UTC))
    end_of_january = datetime(2026, 2, 1, 5, tzinfo=UTC)  # midnight in New York
    clock.now = end_of_january + timedelta(hours=23)
    grace = timedelta(hours=24)
    assert await charges.close_due_periods(ctx, company, CloseDuePeriods(now=clock.now, grace=grace)) == []
    clock.now = end_of_january + grace
    [january] = await charges.close_due_periods(ctx, company, CloseDuePeriods(now=clock.now, grace=grace))
    assert january.bill is not None and january.closed_by == "billing"
    assert (january.month, january.bill.total_cents, january.bill.rolled_over_out) == ("2026-01", 1_000, 250)
    assert uow.commits == 2


async def test_r_bill_1_no_fee_for_months_after_the_number_was_released() -> None:
    uow, ctx, company, clock = world(staff=1)
    await provision(ctx, company, datetime(2026, 1, 20, tzinfo=UTC))
    await charges.record_number_released(ctx, RecordNumberReleased(company_id=company, number=NUMBER,
                                                                   released_at=datetime(2026, 2, 3, tzinfo=UTC)))
    await texts(ctx, company, datetime(2026, 3, 3, 17, tzinfo=UTC), received=1)  # a reply after the release
    clock.now = datetime(2026, 4, 10, tzinfo=UTC)
    closed = await charges.close_due_periods(ctx, company, CloseDuePeriods(now=clock.now, grace=timedelta(hours=24)))
    assert [(p.month, p.bill.number_fee_cents if p.bill else None) for p in closed] == [
        ("2026-01", 1_000), ("2026-02", 1_000), ("2026-03", 0)]


async def test_r_bill_2_the_allowance_counts_active_staff_at_the_close() -> None:
    uow, ctx, company, clock = world(staff=3)
    await texts(ctx, company, NEW_YORK_JAN, sent=10)
    uow.texting_charges.staff[company] = 4  # a staff member added (or reactivated) during the month
    await texting_closes(ctx, clock, company, "2026-01")
    january = bill_of(uow, company, "2026-01").bill
    assert january is not None and (january.active_staff, january.allowance) == (4, 1_000)


async def test_events_of_a_company_not_known_yet_wait_for_it() -> None:
    uow, ctx, _, _ = world()
    with pytest.raises(CompanyNotKnownYet):
        await charges.record_text_usage(ctx, RecordTextUsage(company_id=uuid4(), text_id=uuid4(), direction="inbound",
                                                             units=1, occurred_at=NEW_YORK_JAN))


async def test_texting_closing_a_month_not_over_in_the_company_zone_is_left_to_the_job() -> None:
    uow, ctx, company, clock = world(staff=1)
    await texts(ctx, company, NEW_YORK_JAN, sent=1)
    clock.now = datetime(2026, 2, 1, 3, tzinfo=UTC)  # 22:00 on 31 January in New York
    assert await charges.close_texting_month(ctx, CloseTextingMonth(company_id=company, month="2026-01", sent=1,
                                                                    received=0)) == []


USAGE = st.lists(st.tuples(st.integers(0, 24 * 120), st.sampled_from(["outbound", "inbound"]), st.booleans()),
                 max_size=60)


# too_slow too: a suppress list given here replaces the repo's profile's (which suppresses too_slow
# because draws take seconds on a loaded CI machine), it does not add to it.
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(usage=USAGE, staff=st.integers(0, 3), closes=st.lists(st.integers(0, 24 * 130), max_size=6),
       zone=st.sampled_from(["America/New_York", "Pacific/Auckland", "UTC", None]))
async def test_r_bill_4_r_bill_5_no_text_is_lost_or_billed_twice_and_no_cent_invented(
        usage: list[tuple[int, str, bool]], staff: int, closes: list[int], zone: str | None) -> None:
    """Texts in any order, replays, closes by the job at any moments: every text is in exactly one
    period, every period's texts are its transactions, the charges' cents are the periods' totals,
    and each total is exactly $10 (if held) + the overage at $0.025 rounded half-up once."""
    uow, ctx, company, clock = world(staff=staff, zone=zone)
    await provision(ctx, company, datetime(2026, 1, 1, 12, tzinfo=UTC))
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    events = [(start + timedelta(hours=hours), direction, uuid4()) for hours, direction, _ in usage]
    closing = sorted(start + timedelta(hours=hours) for hours in closes)
    for at, direction, text_id in sorted(events):
        while closing and closing[0] <= at:
            clock.now = closing.pop(0)
            await charges.close_due_periods(ctx, company, CloseDuePeriods(now=clock.now, grace=timedelta(hours=1)))
        clock.now = at
        for _ in range(2):  # every event delivered twice
            await charges.record_text_usage(ctx, RecordTextUsage(company_id=company, text_id=text_id,
                                                                 direction=direction, units=1, occurred_at=at))
    clock.now = start + timedelta(days=200)
    await charges.close_due_periods(ctx, company, CloseDuePeriods(now=clock.now, grace=timedelta(hours=1)))

    repo = uow.texting_charges
    periods = await charges.list_periods(ctx)
    history = list(repo.history.values())
    assert all(p.is_closed for p in periods)
    assert sum(p.texts_sent + p.texts_received for p in periods) == len(events)
    for period in periods:
        bill = period.bill
        assert bill is not None
        mine = [t for t in history if t.month == period.month]
        assert sum(t.units for t in mine if t.kind == TEXT_SENT) == period.texts_sent
        assert sum(t.units for t in mine if t.kind == TEXT_RECEIVED) == period.texts_received
        assert sum(t.cents for t in mine) == bill.total_cents
        exact = bill.number_fee_cents + round_to_cent(bill.overage_texts * OVERAGE_CENTS_PER_TEXT)
        assert bill.total_cents == exact
    months = sorted(p.month for p in periods)
    assert months == sorted(set(months))  # each month closed once
    rolled = 0
    for period in sorted(periods, key=lambda p: p.month):
        assert period.bill is not None and period.bill.rolled_over_in == rolled
        rolled = period.bill.rolled_over_out

