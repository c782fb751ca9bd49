"""Calendar feeds (R-SCHED-12): each staff member's and each client's schedule as an iCalendar
(RFC 5545) feed a calendar app subscribes to. Pure: no SQLAlchemy, FastAPI, FastStream or I/O.

A calendar app cannot send a bearer token, so a feed is reached by an unguessable URL: a random
token kept per person (`CalendarFeed`), compared in constant time; regenerating it revokes the old
URL. What a feed holds is decided here:

- the person's visits from WINDOW_PAST_DAYS ago to WINDOW_FUTURE_DAYS ahead, except cancelled ones
  (a subscribed app drops an event that leaves the feed);
- a template (repeat schedule) appears as its expanded visits: the real visits of its approved
  periods (they are ordinary visits) plus, marked tentative, the visits its upcoming periods not
  approved yet would create (the 12-month projection of R-SCHED-5, whole periods, so the last one
  may end past WINDOW_FUTURE_DAYS: the feed shows what the template's page shows). Someone who subscribes to a
  weekly walk expects to see the coming weeks; "tentative" says they are not booked yet, and once a
  period is approved its projected events give way to the real visits (other UIDs);
- the staff-only note (R-SCHED-3) is in a staff feed only, never in a client's.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from petcare_kit.errors import NotFound

FeedKind = Literal["staff", "client"]
WINDOW_PAST_DAYS = 31
"""How far back a feed goes: last month's visits stay visible in the app."""
WINDOW_FUTURE_DAYS = 366
"""How far ahead: the templates' projection reaches 12 months (R-SCHED-5)."""
FEED_PATHS: dict[FeedKind, str] = {"staff": "staff", "client": "clients"}


class CalendarFeedNotFound(NotFound):
    """No feed at that address: unknown person, wrong or revoked token, or an inactive person.
    One answer for all, so an address cannot be probed."""

    code = "calendar_feed_not_found"


@dataclass(frozen=True)
class CalendarFeed:
    """One person's feed address. `token`: URL-safe random text (>= 256 bits)."""

    company_id: UUID
    kind: FeedKind
    person_id: UUID
    token: str
    created_at: datetime | None = None

    def accepts(self, token: str) -> bool:
        """R-SCHED-12: the token of the address is this feed's (constant-time comparison)."""
        return hmac.compare_digest(self.token.encode(), token.encode())

    def service_path(self) -> str:
        """The feed's path on the service (the gateway serves it under /api/scheduling)."""
        return f"/calendar/{FEED_PATHS[self.kind]}/{self.person_id}.ics?token={self.token}"


def window(now: datetime) -> tuple[datetime, datetime]:
    """The instants a feed covers at `now`: [now - WINDOW_PAST_DAYS, now + WINDOW_FUTURE_DAYS)."""
    return now - timedelta(days=WINDOW_PAST_DAYS), now + timedelta(days=WINDOW_FUTURE_DAYS)


@dataclass(frozen=True)
class VisitFacts:
    """What a feed entry says about a visit, by name. `staff_note`: None unless the feed may carry it."""

    service_name: str
    pet_names: tuple[str, ...]
    client_name: str | None
    staff_name: str | None
    block_title: str | None
    staff_note: str | None = None


@dataclass(frozen=True)
class FeedEntry:
    """One VEVENT. `starts_at` / `ends_at`: aware, in the company's zone (a block visit spans its
    block). `tentative`: a projected visit of a template period not approved yet."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    tentative: bool = False
    status: str = "scheduled"


def describe(kind: FeedKind, facts: VisitFacts) -> tuple[str, str]:
    """The summary and description of a visit in a `kind` feed: a staff feed names the client and
    carries the staff-only note; a client feed names the staff member and never carries the note."""
    pets = ", ".join(facts.pet_names)
    if kind == "staff":
        who = facts.client_name or "a client"
        summary = f"{facts.service_name}: {who}" + (f" ({pets})" if pets else "")
    else:
        summary = facts.service_name + (f" for {pets}" if pets else "")
    lines = []
    if facts.block_title:
        lines.append(f"Time block: {facts.block_title} (the visit happens within it)")
    if pets:
        lines.append(f"Pets: {pets}")
    if kind == "client" and facts.staff_name:
        lines.append(f"Your sitter: {facts.staff_name}")
    if kind == "staff" and facts.staff_note:
        lines.append(f"Staff note: {facts.staff_note}")
    return summary, "\n".join(lines)


@dataclass(frozen=True)
class Feed:
    """A feed as served: the company's name and IANA zone and the entries, oldest first."""

    company_name: str
    time_zone: str
    kind: FeedKind
    person_name: str
    entries: list[FeedEntry]
