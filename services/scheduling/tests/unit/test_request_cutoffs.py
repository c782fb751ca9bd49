"""R-SCHED-7: cut-off times, as a data table, in the company's local time (New York here)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from scheduling.domain.cutoffs import (
    Cutoff,
    CutoffKind,
    CutoffSettings,
    InvalidCutoff,
    RequestTooLate,
    check_cutoff,
    deadline,
)

NY = ZoneInfo("America/New_York")
VISIT_DAY = date(2026, 12, 2)
MORNING = datetime(2026, 12, 2, 9, 0, tzinfo=NY)  # the visit's (or its block's) start


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in December 2026, New York time."""
    return datetime(2026, 12, day, hour, minute, tzinfo=NY)


CASES = [
    # (cutoff, requested at, allowed?)
    (Cutoff(), at(2, 8, 59), True),
    (Cutoff(CutoffKind.SAME_DAY_AFTER, at=time(7)), at(2, 6, 59), True),
    (Cutoff(CutoffKind.SAME_DAY_AFTER, at=time(7)), at(2, 7, 0), False),
    (Cutoff(CutoffKind.SAME_DAY_AFTER, at=time(7)), at(1, 23, 0), True),
    (Cutoff(CutoffKind.NEXT_DAY_AFTER, at=time(18)), at(1, 17, 59), True),
    (Cutoff(CutoffKind.NEXT_DAY_AFTER, at=time(18)), at(1, 18, 0), False),
    (Cutoff(CutoffKind.NEXT_DAY_AFTER, at=time(18)), at(2, 6, 0), False),  # same day: later still
    (Cutoff(CutoffKind.NEXT_DAY_AFTER, at=time(18)), at(1, 9), True),  # the day before, in time
    (Cutoff(CutoffKind.HOURS_AHEAD, hours=24), at(1, 8, 59), True),
    (Cutoff(CutoffKind.HOURS_AHEAD, hours=24), at(1, 9, 0), False),
    (Cutoff(CutoffKind.HOURS_AHEAD, hours=2), at(2, 6, 30), True),
    (Cutoff(CutoffKind.HOURS_AHEAD, hours=2), at(2, 7, 30), False),
]


@pytest.mark.parametrize(("cutoff", "now", "allowed"), CASES)
def test_r_sched_7_cutoff_table(cutoff: Cutoff, now: datetime, allowed: bool) -> None:
    try:
        check_cutoff(cutoff, now=now, visit_date=VISIT_DAY, visit_start=MORNING, zone=NY)
    except RequestTooLate:
        assert not allowed, f"{cutoff} refused a request made {now}"
    else:
        assert allowed, f"{cutoff} let a request made {now} through"


def test_r_sched_7_a_refusal_says_why_in_the_business_s_own_words() -> None:
    mine = Cutoff(CutoffKind.NEXT_DAY_AFTER, at=time(18), message="  Please book by 6 PM the day before!  ")
    with pytest.raises(RequestTooLate) as refused:
        check_cutoff(mine, now=at(1, 19), visit_date=VISIT_DAY, visit_start=MORNING, zone=NY)
    assert refused.value.message == "Please book by 6 PM the day before!"
    assert refused.value.code == "request_too_late" and refused.value.status == 422

    with pytest.raises(RequestTooLate) as ours:
        check_cutoff(Cutoff(CutoffKind.NEXT_DAY_AFTER, at=time(18)), now=at(1, 19), visit_date=VISIT_DAY,
                     visit_start=MORNING, zone=NY)
    assert ours.value.message == ("Requests for Wednesday, December 2 had to be made before "
                                  "Tuesday, December 1, 6:00 PM.")
    assert ours.value.details["deadline"] == "2026-12-01T18:00:00-05:00"


def test_r_sched_7_cutoff_times_are_the_company_s_wall_clock_across_daylight_saving() -> None:
    """A same-day cut-off at 7 AM on the day clocks go back (Nov 1 2026) is 7 AM EST (12:00 UTC),
    and the day after clocks go forward (Mar 8 2026), 7 AM EDT (11:00 UTC)."""
    rule = Cutoff(CutoffKind.SAME_DAY_AFTER, at=time(7))
    fall = deadline(rule, visit_date=date(2026, 11, 1), visit_start=datetime(2026, 11, 1, 9, tzinfo=NY), zone=NY)
    spring = deadline(rule, visit_date=date(2026, 3, 8), visit_start=datetime(2026, 3, 8, 9, tzinfo=NY), zone=NY)
    assert fall is not None and fall.hour == 12
    assert spring is not None and spring.hour == 11
    tokyo = ZoneInfo("Asia/Tokyo")
    in_tokyo = deadline(rule, visit_date=VISIT_DAY, visit_start=MORNING, zone=tokyo)
    assert in_tokyo == datetime(2026, 12, 2, 7, tzinfo=tokyo)


def test_r_sched_7_new_requests_and_changes_have_their_own_cutoffs() -> None:
    settings = CutoffSettings(new_requests=Cutoff(CutoffKind.HOURS_AHEAD, hours=48))
    assert settings.change_requests.kind is CutoffKind.NONE
    check_cutoff(settings.change_requests, now=at(2, 8), visit_date=VISIT_DAY, visit_start=MORNING, zone=NY)
    with pytest.raises(RequestTooLate):
        check_cutoff(settings.new_requests, now=at(2, 8), visit_date=VISIT_DAY, visit_start=MORNING, zone=NY)


@pytest.mark.parametrize("bad", [
    {"kind": CutoffKind.SAME_DAY_AFTER},
    {"kind": CutoffKind.HOURS_AHEAD},
    {"kind": CutoffKind.HOURS_AHEAD, "hours": 0},
    {"kind": CutoffKind.NONE, "hours": 3},
    {"kind": CutoffKind.NEXT_DAY_AFTER, "at": time(18), "hours": 3},
])
def test_r_sched_7_an_incomplete_cutoff_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidCutoff):
        Cutoff(**bad)  # type: ignore[arg-type]
