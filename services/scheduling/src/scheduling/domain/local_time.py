"""The company's local time and the instants visits are stored at. Pure (zoneinfo only).

Visits are booked in the company's wall-clock time (its IANA zone, from clients.events) and stored
as UTC instants, so that "09:00 every day" stays 09:00 across daylight-saving changes and durations
are real elapsed time.

Two wall-clock times are not a single instant, and we choose what a scheduler expects:

- **nonexistent** (the spring-forward gap, e.g. 02:30 on 2026-03-08 in America/New_York): the visit
  moves forward by the length of the gap, to 03:30 local. The sitter is due "half an hour into the
  night" after the change, as clocks read then; nothing is refused, and the answer shows 03:30.
- **ambiguous** (the fall-back repeat, e.g. 01:30 on 2026-11-01 in America/New_York): the first
  occurrence (fold=0, still daylight time, 05:30 UTC). A sitter told "01:30" goes at the first 01:30.

Both are PEP 495's `fold=0` reading, which zoneinfo implements; `resolve()` also says which case it
was, so answers can show the adjustment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduling.domain.errors import InvalidTimeZone


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name` ("America/New_York"). Raises InvalidTimeZone (422)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidTimeZone(f"{name!r} is not an IANA time zone.", details={"time_zone": name}) from error


@dataclass(frozen=True)
class Resolved:
    """A local date and time made into an instant. `local` is the wall-clock time the visit really
    has (03:30 for a requested 02:30 in a gap); `shifted` is True when it differs from the request;
    `ambiguous` is True when the request named a time that happens twice (the first was taken)."""

    instant: datetime
    local: datetime
    shifted: bool = False
    ambiguous: bool = False


def resolve(day: date, at: time, tz: ZoneInfo) -> Resolved:
    """The UTC instant of wall-clock `at` on `day` in `tz`, by the rule of this module's docstring."""
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=tz, fold=0)
    instant = first.astimezone(UTC)
    local = instant.astimezone(tz)
    shifted = local.replace(tzinfo=None) != wall
    # Ambiguous: the two readings of the same wall time give two different instants.
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    ambiguous = not shifted and second != instant
    return Resolved(instant, local, shifted, ambiguous)


def instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`resolve(day, at, tz).instant`: UTC, aware."""
    return resolve(day, at, tz).instant


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    """An aware instant as the company's wall clock reads it (aware, in `tz`)."""
    return moment.astimezone(tz)


def after(start: datetime, minutes: int) -> datetime:
    """`minutes` of elapsed time after an aware instant (a 60-minute visit at 01:30 on a fall-back
    day ends at the second 01:30, not at 02:30)."""
    return (start.astimezone(UTC) + timedelta(minutes=minutes))
