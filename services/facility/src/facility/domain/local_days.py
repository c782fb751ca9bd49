"""The company's local calendar. Pure (zoneinfo only).

Facility events are booked in local dates (and, for daycare, local wall-clock times) of the
company's IANA zone, and kept as such: a stay is a range of dates, never a span of hours, so a stay
across a daylight-saving change still counts one night per date (a 23- or 25-hour night is one
night). "Today" and "now" are the company's local ones.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from facility.domain.errors import InvalidTimeZone


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name` ("America/New_York"). Raises InvalidTimeZone (422)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidTimeZone(f"{name!r} is not an IANA time zone.", details={"time_zone": name}) from error


def local_now(now: datetime, tz: ZoneInfo) -> tuple[date, time]:
    """The local date and wall-clock time of the aware instant `now` in `tz`."""
    here = now.astimezone(tz)
    return here.date(), here.time().replace(tzinfo=None)


def nights(starts_on: date, ends_on: date) -> int:
    """R-FAC-2: the nights of an overnight stay from `starts_on` to `ends_on` (local dates): one per
    date left behind, whatever the clocks did in between."""
    return (ends_on - starts_on).days
