"""A feed as iCalendar text (RFC 5545), written with the `icalendar` package (R-SCHED-12).

Times are local to the company with a VTIMEZONE for its IANA zone (`add_missing_timezones`), so a
visit at 09:00 stays at 09:00 for a calendar app set to another zone's view of it only where the
instant says so; X-WR-TIMEZONE names the zone for the apps that read it. REFRESH-INTERVAL (RFC 7986)
and X-PUBLISHED-TTL ask subscribed apps to look again every hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from scheduling.domain.calendar import Feed

PRODID = "-//Petcare//Scheduling//EN"
REFRESH = timedelta(hours=1)


def render(feed: Feed, *, now: datetime) -> bytes:
    """The VCALENDAR of `feed`: one VEVENT per entry (UID stable across refreshes, STATUS
    CONFIRMED for a visit, TENTATIVE for a template's projected visit), DTSTAMP `now` in UTC."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    title = feed.company_name if feed.kind == "client" else f"{feed.company_name}: {feed.person_name}"
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", feed.time_zone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(UTC)
    for entry in feed.entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.starts_at)
        event.add("dtend", entry.ends_at)
        event.add("summary", entry.summary)
        if entry.description:
            event.add("description", entry.description)
        event.add("status", "TENTATIVE" if entry.tentative else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
