"""Usage months are the company's LOCAL calendar months (R-TEXT-13 → R-BILL-2..5): a text sent at
23:30 on 31 January in New York (04:30 on 1 February in UTC) is a January text. Pure (zoneinfo only).

The zone is the company's IANA name from the clients directory read model. A company whose zone is
not known yet (no clients.events carried it) is counted in UTC: a month is never left unclosed for
want of a zone; clients always publishes the zone with the company, so this is a stop-gap only.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FALLBACK_ZONE = "UTC"


def zone_of(name: str | None) -> tzinfo:
    """The company's zone; UTC when it is not known or not an IANA name (never raises)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def month_bounds(month: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """A "YYYY-MM" local month as [its first instant, the next month's first instant), in UTC: local
    midnight of the 1st to local midnight of the next 1st (PEP 495 fold=0 in a DST gap)."""
    year, number = int(month[:4]), int(month[5:7])
    start = datetime(year, number, 1, tzinfo=tz)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def month_of(moment: datetime, tz: tzinfo) -> str:
    """The local "YYYY-MM" an aware instant falls in."""
    return moment.astimezone(tz).strftime("%Y-%m")


def is_finished(month: str, now: datetime, tz: tzinfo) -> bool:
    """Has the local month's end passed at `now`? (A month closes once its local end has passed.)"""
    return month < month_of(now, tz)
