"""R-SCHED-5 recurrence: the worked examples of RFC 5545 §3.8.5.3 for the patterns templates use
(every day, every other week on given weekdays, monthly on given days), with their time zone
(DTSTART;TZID=America/New_York), as one data table; then the rules templates build, and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from scheduling.domain.errors import InvalidTimeZone
from scheduling.domain.recurrence import InvalidRecurrence, Recurrence, build_rule, check_rule

NY = "America/New_York"

# (what RFC 5545 §3.8.5.3 calls it, RRULE, DTSTART local in New York, expected local dates; all at 09:00)
RFC_5545_EXAMPLES = [
    ("Daily for 10 occurrences", "FREQ=DAILY;COUNT=10", "1997-09-02",
     ["1997-09-02", "1997-09-03", "1997-09-04", "1997-09-05", "1997-09-06", "1997-09-07", "1997-09-08",
      "1997-09-09", "1997-09-10", "1997-09-11"]),
    ("Daily until December 24, 1997 (first 5)", "FREQ=DAILY;UNTIL=19971224T000000Z", "1997-09-02",
     ["1997-09-02", "1997-09-03", "1997-09-04", "1997-09-05", "1997-09-06"]),
    ("Every other day - forever (first 5)", "FREQ=DAILY;INTERVAL=2", "1997-09-02",
     ["1997-09-02", "1997-09-04", "1997-09-06", "1997-09-08", "1997-09-10"]),
    ("Every 10 days, 5 occurrences", "FREQ=DAILY;INTERVAL=10;COUNT=5", "1997-09-02",
     ["1997-09-02", "1997-09-12", "1997-09-22", "1997-10-02", "1997-10-12"]),
    ("Weekly on Tuesday and Thursday for five weeks", "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
     "1997-09-02",
     ["1997-09-02", "1997-09-04", "1997-09-09", "1997-09-11", "1997-09-16", "1997-09-18", "1997-09-23",
      "1997-09-25", "1997-09-30", "1997-10-02"]),
    ("Every other week on Monday, Wednesday, and Friday until December 24, 1997",
     "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR", "1997-09-01",
     ["1997-09-01", "1997-09-03", "1997-09-05", "1997-09-15", "1997-09-17", "1997-09-19", "1997-09-29",
      "1997-10-01", "1997-10-03", "1997-10-13", "1997-10-15", "1997-10-17", "1997-10-27", "1997-10-29",
      "1997-10-31", "1997-11-10", "1997-11-12", "1997-11-14", "1997-11-24", "1997-11-26", "1997-11-28",
      "1997-12-08", "1997-12-10", "1997-12-12", "1997-12-22"]),
    ("Every other week on Tuesday and Thursday, for 8 occurrences",
     "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", "1997-09-02",
     ["1997-09-02", "1997-09-04", "1997-09-16", "1997-09-18", "1997-09-30", "1997-10-02", "1997-10-14",
      "1997-10-16"]),
    ("Days generated differ by WKST (MO)", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", "1997-08-05",
     ["1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"]),
    ("Days generated differ by WKST (SU)", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", "1997-08-05",
     ["1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"]),
    ("Monthly on the 2nd and 15th of the month for 10 occurrences", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
     "1997-09-02",
     ["1997-09-02", "1997-09-15", "1997-10-02", "1997-10-15", "1997-11-02", "1997-11-15", "1997-12-02",
      "1997-12-15", "1998-01-02", "1998-01-15"]),
    ("Monthly on the first and last day of the month for 10 occurrences",
     "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", "1997-09-30",
     ["1997-09-30", "1997-10-01", "1997-10-31", "1997-11-01", "1997-11-30", "1997-12-01", "1997-12-31",
      "1998-01-01", "1998-01-31", "1998-02-01"]),
    ("Every 18 months on the 10th thru 15th of the month for 10 occurrences (first 6)",
     "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15", "1997-09-10",
     ["1997-09-10", "1997-09-11", "1997-09-12", "1997-09-13", "1997-09-14", "1997-09-15"]),
    ("An invalid date (February 30) is ignored", "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "2007-01-15",
     ["2007-01-15", "2007-01-30", "2007-02-15", "2007-03-15", "2007-03-30"]),
]


@pytest.mark.parametrize(("name", "rule", "dtstart", "expected"), RFC_5545_EXAMPLES,
                         ids=[row[0] for row in RFC_5545_EXAMPLES])
def test_r_sched_5_rfc_5545_worked_examples(name: str, rule: str, dtstart: str, expected: list[str]) -> None:
    recurrence = Recurrence(rule, date.fromisoformat(dtstart), NY, time(9))

    found = recurrence.first(len(expected) + 1 if "COUNT" in rule or "UNTIL" in rule else len(expected))

    if "first" in name:
        found = found[:len(expected)]
    assert [o.date().isoformat() for o in found] == expected
    assert all(o.time() == time(9) for o in found), "9:00 AM local in EDT and in EST alike"


def test_r_sched_5_the_rfc_example_keeps_9_am_local_across_the_end_of_daylight_time() -> None:
    """"(1997 9:00 AM EDT) ... October 17 (1997 9:00 AM EST) October 27": the instant moves an hour."""
    recurrence = Recurrence("FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
                            date(1997, 9, 1), NY, time(9))
    by_date = {o.date(): o.astimezone(UTC) for o in recurrence.first(30)}

    assert by_date[date(1997, 10, 17)] == datetime(1997, 10, 17, 13, 0, tzinfo=UTC)  # EDT, UTC-4
    assert by_date[date(1997, 10, 27)] == datetime(1997, 10, 27, 14, 0, tzinfo=UTC)  # EST, UTC-5


# (template's parts, the RRULE it stores)
BUILT_RULES = [
    (("daily", 1, (), ()), "FREQ=DAILY"),
    (("weekly", 2, ("FR", "mo", "WE"), ()), "FREQ=WEEKLY;INTERVAL=2;WKST=MO;BYDAY=MO,WE,FR"),
    (("weekly", 1, ("TU", "TH"), ()), "FREQ=WEEKLY;WKST=MO;BYDAY=TU,TH"),
    (("monthly", 1, (), (15, 2)), "FREQ=MONTHLY;BYMONTHDAY=2,15"),
    (("monthly", 1, (), (-1, 1)), "FREQ=MONTHLY;BYMONTHDAY=1,-1"),
]


@pytest.mark.parametrize(("parts", "rule"), BUILT_RULES)
def test_r_sched_5_a_templates_parts_become_an_rfc_5545_rule(parts: tuple, rule: str) -> None:
    frequency, interval, weekdays, month_days = parts
    assert build_rule(frequency, interval=interval, weekdays=weekdays, month_days=month_days) == rule


def test_r_sched_5_built_rules_expand_like_the_rfc_examples() -> None:
    every_other = Recurrence(build_rule("weekly", interval=2, weekdays=["TU", "TH"]), date(1997, 9, 2), NY, time(9))
    monthly = Recurrence(build_rule("monthly", month_days=[2, 15]), date(1997, 9, 2), NY, time(9))

    assert [o.day for o in every_other.first(8)] == [2, 4, 16, 18, 30, 2, 14, 16]
    assert [(o.month, o.day) for o in monthly.first(4)] == [(9, 2), (9, 15), (10, 2), (10, 15)]


@pytest.mark.parametrize(("parts", "why"), [
    (("weekly", 1, (), ()), "weekly without weekdays"),
    (("weekly", 1, ("XX",), ()), "unknown weekday"),
    (("weekly", 1, ("MO", "MO"), ()), "weekday twice"),
    (("monthly", 1, (), (32,)), "day 32"),
    (("monthly", 1, (), (0,)), "day 0"),
    (("monthly", 1, ("MO",), ()), "monthly with weekdays"),
    (("daily", 1, ("MO",), ()), "daily with weekdays"),
    (("daily", 0, (), ()), "interval 0"),
    (("daily", 53, (), ()), "interval too large"),
])
def test_r_sched_5_parts_that_make_no_template_rule_are_refused(parts: tuple, why: str) -> None:
    frequency, interval, weekdays, month_days = parts
    with pytest.raises(InvalidRecurrence):
        build_rule(frequency, interval=interval, weekdays=weekdays, month_days=month_days)


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "FREQ=YEARLY", "BYDAY=MO", "FREQ=DAILY;BYHOUR=3", "garbage",
                                  "FREQ=DAILY;COUNT=3;UNTIL=20260101", "FREQ=WEEKLY;BYDAY=XX"])
def test_r_sched_5_rules_templates_do_not_use_are_refused(rule: str) -> None:
    with pytest.raises(InvalidRecurrence):
        check_rule(rule)


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(InvalidTimeZone):
        Recurrence("FREQ=DAILY", date(2026, 1, 1), "Mars/Olympus_Mons", time(9))


def test_r_sched_5_local_times_across_dst_follow_rfc_5545_3_3_5() -> None:
    """02:30 does not exist on 2026-03-08 in New York: read with the offset before the gap (03:30 EDT).
    01:30 happens twice on 2026-11-01: the first (EDT). Other days keep their 02:30 / 01:30."""
    spring = Recurrence("FREQ=DAILY", date(2026, 3, 7), NY, time(2, 30)).first(3)
    fall = Recurrence("FREQ=DAILY", date(2026, 10, 31), NY, time(1, 30)).first(3)

    assert [o.astimezone(UTC).strftime("%d %H:%M") for o in spring] == ["07 07:30", "08 07:30", "09 06:30"]
    assert [o.astimezone(UTC).strftime("%d %H:%M") for o in fall] == ["31 05:30", "01 05:30", "02 06:30"]


def test_occurrences_between_two_dates_are_inclusive() -> None:
    recurrence = Recurrence("FREQ=WEEKLY;WKST=MO;BYDAY=MO,FR", date(2026, 1, 5), NY, None)
    assert recurrence.dates(date(2026, 1, 9), date(2026, 1, 19)) == [date(2026, 1, 9), date(2026, 1, 12),
                                                                     date(2026, 1, 16), date(2026, 1, 19)]
