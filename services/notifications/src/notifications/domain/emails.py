"""One email, rendered and addressed, ready for the provider (R-EMAIL-1..9, R-TEXT-9), and how
emails write money, days and names for people. Pure: no I/O.

The delivery id travels with the email to the provider (SendGrid `custom_args.delivery_id`), so
after a crash between "about to send" and "recorded as sent" the provider can be asked whether
this delivery was already accepted, and an email is not sent twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class OutgoingEmail:
    delivery_id: UUID
    to_email: str
    to_name: str
    subject: str
    text: str
    """text/plain: always present, for clients that do not show HTML."""
    html: str
    from_name: str
    """Shown as the sender: the company's name. The address is the platform's (verified) one."""
    reply_to: str | None
    """Where a reply goes (the company's address), since the from address is ours."""
    categories: tuple[str, ...] = ()
    """Provider-side labels (e.g. the trigger) for its statistics; never personal data."""


@dataclass(frozen=True)
class VisitLine:
    """One visit as an email lists it."""

    when: str
    service: str
    pets: str
    staff: str | None


def visit_lines(visits: list[dict[str, Any]]) -> tuple[VisitLine, ...]:
    """VisitSummary dicts (JSON) as lines, by date then start time (time blocks, overnights last).
    `starts_at` is already the company's local time: shown as it is, never converted."""
    def line(visit: dict[str, Any]) -> VisitLine:
        start = visit.get("starts_at")
        time_of_day = format_clock(datetime.fromisoformat(start)) if start else visit.get("time_block")
        when = ", ".join(filter(None, (format_day(date.fromisoformat(visit["visit_date"])), time_of_day)))
        return VisitLine(when, visit["service_name"], join_names(visit.get("pet_names") or []),
                         visit.get("staff_name"))
    return tuple(line(v) for v in sorted(visits, key=lambda v: (v["visit_date"], v.get("starts_at") or "~")))


# ---- how an email writes money, days, times, names and numbers for people ---------------------

CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$"}


def format_money(cents: int, currency: str = "USD") -> str:
    """1234 → "$12.34": integer cents shown exactly, through Decimal; a float is refused, as it
    cannot be exact (billing's events carry integer cents)."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"money is integer cents, got {cents!r}")
    amount, code = Decimal(cents).scaleb(-2), currency.upper()
    sign, digits, symbol = ("-" if amount < 0 else ""), f"{abs(amount):,.2f}", CURRENCY_SYMBOLS.get(code)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {code}"


def format_day(day: date) -> str:
    """Tuesday, March 4, 2025."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def format_clock(moment: datetime | time) -> str:
    """2:30 PM: the wall-clock time as given, never converted."""
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def format_moment(moment: datetime, time_zone: str | None = None) -> str:
    """An instant, in `time_zone` (IANA) when it is known, else in the zone it came with:
    "Tuesday, March 4, 2025 at 3:30 PM EST"."""
    try:
        moment = moment.astimezone(ZoneInfo(time_zone)) if time_zone else moment
    except (ZoneInfoNotFoundError, ValueError):
        pass
    return f"{format_day(moment.date())} at {format_clock(moment)} {moment.tzname() or ''}".rstrip()


def join_names(names: list[str]) -> str:
    """Rex, Bella and Max."""
    return " and ".join(filter(None, (", ".join(names[:-1]), names[-1]))) if names else ""


def possessive(name: str) -> str:
    """Happy Paws' / Bark Buddy's."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def format_phone(number: str) -> str:
    """+14155550123 → (415) 555-0123, as people in the USA and Canada write it; others as given."""
    return f"({number[2:5]}) {number[5:8]}-{number[8:]}" if re.fullmatch(r"\+1\d{10}", number) else number
