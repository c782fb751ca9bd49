"""A template's recurrence (R-SCHED-5): an RFC 5545 RRULE, expanded by python-dateutil in the
company's IANA time zone. Pure: no SQLAlchemy, FastAPI, FastStream or I/O.

What we store is the RRULE value itself (`FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE`), beside the
template's first date and local start time (its DTSTART, with the company's zone as TZID). We do no
calendar arithmetic of our own: `dateutil.rrule` expands the rule.

Time zones (RFC 5545 §3.3.5, §3.3.10): the rule is expanded on the local wall clock, so a 09:00 visit
stays at 09:00 across daylight-saving changes (its UTC instant moves by an hour). A local time that
occurs twice (fall back) is the first of the two; one that does not exist (spring forward) is read
with the offset before the gap (02:30 on a spring-forward day in New York is 03:30 EDT). Python's
`zoneinfo` with `fold=0` does exactly that, which is why occurrences are built as aware datetimes
in the zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from dateutil.rrule import rrule, rrulestr
from petcare_kit.errors import InvalidInput

from scheduling.domain.local_time import zone

Frequency = Literal["daily", "weekly", "monthly"]
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FREQ_NAMES = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY"}
_ALLOWED_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "WKST", "UNTIL", "COUNT"}
MAX_INTERVAL = 52


class InvalidRecurrence(InvalidInput):
    code = "invalid_recurrence"


def build_rule(frequency: Frequency, *, interval: int = 1, weekdays: Sequence[str] = (),
               month_days: Sequence[int] = ()) -> str:
    """The RRULE value for what a template offers (R-SCHED-5): every N days, every N weeks on some
    weekdays (`["MO", "WE"]`), or every N months on some days of the month (`[1, 15, -1]`, -1 = the
    last day). Weeks start on Monday (WKST=MO, RFC 5545's default, stated so the rule reads the same
    everywhere). Raises InvalidRecurrence (422) for parts that do not fit the frequency."""
    if not 1 <= interval <= MAX_INTERVAL:
        raise InvalidRecurrence(f"The interval must be between 1 and {MAX_INTERVAL}.", details={"interval": interval})
    days = [d.upper() for d in weekdays]
    if any(d not in WEEKDAYS for d in days) or len(set(days)) != len(days):
        raise InvalidRecurrence("Weekdays are MO, TU, WE, TH, FR, SA or SU, each at most once.",
                                details={"weekdays": list(weekdays)})
    if any(not (1 <= abs(d) <= 31) for d in month_days) or len(set(month_days)) != len(month_days):
        raise InvalidRecurrence("Days of the month are 1..31 or -31..-1 (from the end), each at most once.",
                                details={"month_days": list(month_days)})
    parts = [f"FREQ={_FREQ_NAMES[frequency]}"]
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    if frequency == "daily":
        if days or month_days:
            raise InvalidRecurrence("A daily rule takes neither weekdays nor days of the month.")
    elif frequency == "weekly":
        if not days or month_days:
            raise InvalidRecurrence("A weekly rule needs its weekdays, and no days of the month.")
        parts += ["WKST=MO", "BYDAY=" + ",".join(sorted(days, key=WEEKDAYS.index))]
    else:
        if not month_days or days:
            raise InvalidRecurrence("A monthly rule needs its days of the month, and no weekdays.")
        parts.append("BYMONTHDAY=" + ",".join(str(d) for d in sorted(month_days, key=lambda d: (d < 0, abs(d)))))
    rule = ";".join(parts)
    check_rule(rule)
    return rule


def check_rule(rule: str) -> None:
    """Raise InvalidRecurrence (422) unless `rule` is an RRULE value templates use: FREQ DAILY,
    WEEKLY or MONTHLY with INTERVAL, BYDAY, BYMONTHDAY, WKST, UNTIL or COUNT."""
    names = {part.split("=", 1)[0].upper() for part in rule.split(";") if part}
    if not names <= _ALLOWED_PARTS or "FREQ" not in names:
        raise InvalidRecurrence(f"Only {', '.join(sorted(_ALLOWED_PARTS))} are used in a template's rule.",
                                details={"rule": rule})
    try:
        expand(rule, datetime(2000, 1, 3, tzinfo=UTC))
    except (ValueError, TypeError) as error:
        raise InvalidRecurrence(f"Not an RFC 5545 recurrence rule: {error}", details={"rule": rule}) from error
    if parts_of(rule).get("FREQ", "").upper() not in _FREQ_NAMES.values():
        raise InvalidRecurrence("A template repeats daily, weekly or monthly.", details={"rule": rule})


def expand(rule: str, dtstart: datetime) -> rrule:
    """dateutil's rrule for the RRULE value `rule` from the aware `dtstart`. Raises ValueError.

    UNTIL (RFC 5545 §3.3.10): a date-time UNTIL is in UTC ("...Z"); a date UNTIL is read as the end
    of that local day, inclusive (dateutil would refuse a naive UNTIL beside an aware DTSTART)."""
    kept, until = [], None
    for part in rule.split(";"):
        name, _, value = part.partition("=")
        if name.upper() == "UNTIL":
            until = value.strip().upper()
        elif part:
            kept.append(part)
    parsed = rrulestr(";".join(kept), dtstart=dtstart, forceset=False)
    if not isinstance(parsed, rrule):
        raise ValueError("not a single RRULE")
    if until is None:
        return parsed
    if "COUNT" in {p.partition("=")[0].upper() for p in kept}:
        raise ValueError("UNTIL and COUNT must not occur in the same rule")
    if re.fullmatch(r"\d{8}", until):
        day = datetime.strptime(until, "%Y%m%d").date()
        end = datetime.combine(day, time(23, 59, 59), tzinfo=dtstart.tzinfo)
    elif re.fullmatch(r"\d{8}T\d{6}Z", until):
        end = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    else:
        raise ValueError(f"UNTIL={until} is neither a date nor a UTC date-time")
    return parsed.replace(until=end)


@dataclass(frozen=True)
class Recurrence:
    """DTSTART (`starts_on` at `local_time` in `time_zone`) and its RRULE value `rule`.

    `local_time` None: the visits are in a schedule block or have no time; occurrences are then
    dates, expanded at local midnight (only their date counts)."""

    rule: str
    starts_on: date
    time_zone: str
    local_time: time | None = None

    def __post_init__(self) -> None:
        check_rule(self.rule)
        zone(self.time_zone)

    def _rrule(self) -> rrule:
        dtstart = datetime.combine(self.starts_on, self.local_time or time(0), tzinfo=zone(self.time_zone))
        return expand(self.rule, dtstart)

    def occurrences(self, first: date, last: date) -> list[datetime]:
        """The occurrences whose local date is in `first..last` (inclusive), as aware datetimes in
        the company's zone (local wall-clock time kept across DST), oldest first."""
        tz = zone(self.time_zone)
        start = datetime.combine(first, time(0), tzinfo=tz)
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
        found = self._rrule().between(start, end, inc=True)
        return [o for o in found if first <= o.date() <= last]

    def dates(self, first: date, last: date) -> list[date]:
        """The local dates of `occurrences(first, last)`."""
        return [o.date() for o in self.occurrences(first, last)]

    def first(self, count: int) -> list[datetime]:
        """The first `count` occurrences (DTSTART's included when it matches the rule)."""
        out: list[datetime] = []
        for occurrence in self._rrule():
            out.append(occurrence)
            if len(out) >= count:
                break
        return out


def as_utc(occurrence: datetime) -> datetime:
    """The instant of an occurrence (aware, in UTC)."""
    return occurrence.astimezone(UTC)


def parts_of(rule: str) -> dict[str, str]:
    """The parts of an RRULE value by name (`{"FREQ": "WEEKLY", "BYDAY": "MO,WE"}`), for views."""
    return {k.upper(): v for k, _, v in (p.partition("=") for p in rule.split(";") if p)}
