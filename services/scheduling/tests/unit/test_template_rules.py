"""R-SCHED-5 templates as a scheduler sees them: projections, which periods are due for approval,
approving by hand, ending (domain/templates.py, no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from uuid import uuid4

import pytest
from scheduling.domain.billing_periods import BillingFrequency
from scheduling.domain.recurrence import Recurrence
from scheduling.domain.templates import (
    InvalidTemplate,
    PeriodAlreadyApproved,
    PeriodNotApprovable,
    Template,
    TemplateEnded,
)

D = date.fromisoformat
NY = "America/New_York"


def template(rule: str = "FREQ=WEEKLY;WKST=MO;BYDAY=MO,WE", starts: str = "2026-03-02", *,
             billing: BillingFrequency | None = None, auto: int | None = 3,
             at: time | None = time(9), block: bool = False) -> Template:
    return Template(uuid4(), uuid4(), uuid4(), (uuid4(),), uuid4(), uuid4() if block else None, 30, None,
                    Recurrence(rule, D(starts), NY, None if block else at), billing or BillingFrequency("weekly"), auto)


def test_r_sched_5_projection_lists_each_period_with_its_visits_and_approval_day() -> None:
    t = template()  # Mon 2026-03-02, weekly billing, Mondays and Wednesdays at 09:00, auto 3 days before

    projection = t.projection(D("2026-03-04"), approved={D("2026-03-02")})

    first, second = projection[0], projection[1]
    assert (first.period.start, first.approved) == (D("2026-03-02"), True)
    assert [o.date() for o in first.occurrences] == [D("2026-03-04")]  # the Monday is past
    assert (second.period.start, second.approve_on, second.approved) == (D("2026-03-09"), D("2026-03-06"), False)
    assert [o.isoformat() for o in second.occurrences] == ["2026-03-09T09:00:00-04:00", "2026-03-11T09:00:00-04:00"]
    # 12 months ahead: the last period projected holds 2027-03-03 (weekly periods from Monday 2026-03-02).
    assert (projection[-1].period.start, projection[-1].period.end) == (D("2027-03-01"), D("2027-03-07"))
    assert len(projection) == 53


def test_r_sched_5_visits_keep_their_local_time_across_the_spring_change() -> None:
    t = template("FREQ=DAILY", "2026-03-06", billing=BillingFrequency("monthly"))

    march = t.projection(D("2026-03-06"), approved=set())[0]

    utc_hours = {o.date().day: o.astimezone(UTC).hour for o in march.occurrences}
    assert (utc_hours[7], utc_hours[8], utc_hours[9]) == (14, 13, 13)  # 09:00 EST, then 09:00 EDT


def test_r_sched_5_due_periods_are_those_whose_approval_day_has_come() -> None:
    t = template(auto=3)

    assert t.due_for_approval(D("2026-02-26"), approved=set()) == []
    due = t.due_for_approval(D("2026-02-27"), approved=set())
    assert [p.start for p in due] == [D("2026-03-02")]
    assert t.due_for_approval(D("2026-02-27"), approved={D("2026-03-02")}) == []
    # A replica down for a week approves late the period still running, not those already over.
    late = t.due_for_approval(D("2026-03-13"), approved=set())
    assert [p.start for p in late] == [D("2026-03-09"), D("2026-03-16")]


def test_r_sched_5_a_template_approved_by_hand_is_never_due() -> None:
    t = template(auto=None)
    assert t.due_for_approval(D("2026-03-09"), approved=set()) == []
    assert t.next_auto_approval(D("2026-03-09"), approved=set()) is None


def test_r_sched_5_next_automatic_approval_is_local_midnight_of_its_day() -> None:
    t = template(auto=3)
    assert t.next_auto_approval(D("2026-02-01"), approved=set()) == datetime(2026, 2, 27, 5, 0, tzinfo=UTC)
    assert t.next_auto_approval(D("2026-02-28"), approved={D("2026-03-02")}) == datetime(2026, 3, 6, 5, 0, tzinfo=UTC)


def test_r_sched_5_approving_by_hand_takes_a_period_start_once() -> None:
    t = template()
    assert t.approvable(D("2026-03-09"), D("2026-03-04"), approved=set()).end == D("2026-03-15")
    with pytest.raises(PeriodAlreadyApproved):
        t.approvable(D("2026-03-09"), D("2026-03-04"), approved={D("2026-03-09")})
    for not_a_start in (D("2026-03-10"), D("2026-02-23")):
        with pytest.raises(PeriodNotApprovable):
            t.approvable(not_a_start, D("2026-03-04"), approved=set())


def test_r_sched_5_an_ended_template_covers_nothing_after_its_last_date() -> None:
    t = template().ended(D("2026-03-11"))

    projection = t.projection(D("2026-03-02"), approved=set())
    assert [p.period.start for p in projection] == [D("2026-03-02"), D("2026-03-09")]
    assert [o.date() for o in projection[-1].occurrences] == [D("2026-03-09"), D("2026-03-11")]
    assert t.next_auto_approval(D("2026-03-12"), approved=set()) is None
    with pytest.raises(TemplateEnded):
        t.ended(D("2026-04-01"))
    with pytest.raises(PeriodNotApprovable):
        t.approvable(D("2026-03-16"), D("2026-03-02"), approved=set())


def test_r_sched_5_a_block_template_has_dates_and_a_timed_one_needs_its_time() -> None:
    t = template(block=True)
    assert [o.time() for o in t.projection(D("2026-03-02"), set())[0].occurrences] == [time(0), time(0)]
    with pytest.raises(InvalidTemplate):
        Template(uuid4(), uuid4(), uuid4(), (uuid4(),), uuid4(), None, 30, None,
                 Recurrence("FREQ=DAILY", D("2026-03-02"), NY, None), BillingFrequency("weekly"), None)
