"""Use cases of calendar feeds (R-SCHED-12): hand a person the address of their feed (creating it,
or replacing it to revoke the old one), and build the feed behind an address. What a feed holds is
domain/calendar.py's docstring."""

from __future__ import annotations

import secrets
from datetime import date
from uuid import UUID
from zoneinfo import ZoneInfo

from petcare_kit.client_directory import DirectoryPerson
from petcare_kit.identity import Identity, Role

from scheduling.domain.calendar import (
    CalendarFeed,
    CalendarFeedNotFound,
    Feed,
    FeedEntry,
    FeedKind,
    VisitFacts,
    describe,
    window,
)
from scheduling.domain.errors import ClientNotFound, StaffNotFound
from scheduling.domain.templates import Template
from scheduling.domain.visits import Visit, VisitStatus, place
from scheduling.service_layer.calendar_ports import repos
from scheduling.service_layer.context import Context
from scheduling.service_layer.summaries import company_zone

TOKEN_BYTES = 32
"""256 random bits per address: unguessable."""
PAGE = 500
MAX_VISITS = 5000
"""A feed's cap on real visits (a year of a busy walker is well below it)."""
_NOT_FOUND = {"staff": StaffNotFound, "client": ClientNotFound}


async def subscription(ctx: Context, kind: FeedKind, person_id: UUID, *, regenerate: bool = False) -> CalendarFeed:
    """R-SCHED-12: the address of a staff member's or client's feed, created on first use.
    `regenerate`: a new token; the old address stops working at once. Managers reach anyone of the
    company; staff only their own feed, a client only theirs. Commits once. Raises StaffNotFound /
    ClientNotFound (404: not the company's, not that kind of person, or someone else's feed)."""
    own = ctx.person_id == person_id and ctx.identity.role == (Role.CLIENT if kind == "client" else Role.STAFF)
    person = await ctx.uow.people.person(ctx.company_id, person_id) if (ctx.is_manager or own) else None
    if person is None or person.kind != kind:
        raise _NOT_FOUND[kind](f"No such {kind} in your company.", details={f"{kind}_id": str(person_id)})
    fresh = CalendarFeed(ctx.company_id, kind, person_id, secrets.token_urlsafe(TOKEN_BYTES))
    feeds = repos(ctx).calendar_feeds
    feed = await feeds.save(fresh) if regenerate else await feeds.add_if_missing(fresh)
    await ctx.commit()
    return feed


async def read_feed(ctx: Context, kind: FeedKind, person_id: UUID, token: str) -> Feed:
    """R-SCHED-12: the feed behind an address (no caller: the token is the proof). Only the feed's
    company is read, only the person's visits and templates. Raises CalendarFeedNotFound (404) for
    an unknown person, a wrong or revoked token, or a person no longer active. Writes nothing."""
    feed = await repos(ctx).calendar_feeds.of_person(kind, person_id)
    if feed is None or not feed.accepts(token):
        raise CalendarFeedNotFound("No calendar at this address.")
    scoped = Context(ctx.uow, Identity(Role.INTERNAL, company_id=feed.company_id))
    person = await ctx.uow.people.person(feed.company_id, person_id)
    company = await ctx.uow.people.company(feed.company_id)
    if person is None or not person.active or person.kind != kind or company is None:
        raise CalendarFeedNotFound("No calendar at this address.")
    tz = await company_zone(scoped)
    names = _Names(scoped, kind)
    entries = [await names.visit_entry(v, tz) for v in await _visits(scoped, kind, person_id)]
    entries += await _projected(scoped, kind, person_id, tz, names)
    entries.sort(key=lambda e: (e.starts_at, e.uid))
    return Feed(company.name, tz.key, kind, person.name, entries)


async def _visits(ctx: Context, kind: FeedKind, person_id: UUID) -> list[Visit]:
    starts, ends = window(ctx.now())
    client_id, staff_id = (person_id, None) if kind == "client" else (None, person_id)
    found: list[Visit] = []
    while len(found) < MAX_VISITS:
        page = await ctx.uow.visits.page(ctx.company_id, limit=PAGE, offset=len(found), starts_from=starts,
                                         starts_before=ends, client_id=client_id, staff_id=staff_id)
        found += page
        if len(page) < PAGE:
            break
    return [v for v in found if v.status != VisitStatus.CANCELLED]


async def _projected(ctx: Context, kind: FeedKind, person_id: UUID, tz: ZoneInfo, names: _Names) -> list[FeedEntry]:
    """The visits the person's templates would create in their periods not approved yet (R-SCHED-5
    projection), as tentative entries; approved periods are already real visits. Not cut at the feed's
    window: the projection's last period may run past 12 months, and the feed shows the same visits
    as the template's page (a subscriber comparing the two must not miss the last ones)."""
    today = ctx.now().astimezone(tz).date()
    client_id, staff_id = (person_id, None) if kind == "client" else (None, person_id)
    feeds = repos(ctx)
    out = []
    for template in await feeds.calendar_feeds.templates_for(ctx.company_id, covering_from=today,
                                                             client_id=client_id, staff_id=staff_id):
        client = await names.person(template.client_id)
        if client is None or not client.active:  # an inactive client's periods are never approved
            continue
        approved = await feeds.templates.approved_starts(ctx.company_id, template.id)
        for period in template.projection(today, approved):
            if period.approved:
                continue
            for occurrence in period.occurrences:
                out.append(await names.projected_entry(template, occurrence.date(), tz))
    return out


class _Names:
    """Looks up (once each) the names a feed's entries say, for one company and one feed kind."""

    def __init__(self, ctx: Context, kind: FeedKind) -> None:
        self.ctx, self.kind = ctx, kind
        self._people: dict[UUID, DirectoryPerson | None] = {}
        self._services: dict[UUID, str] = {}
        self._pets: dict[UUID, str] = {}

    async def person(self, person_id: UUID | None) -> DirectoryPerson | None:
        if person_id is None:
            return None
        if person_id not in self._people:
            self._people[person_id] = await self.ctx.uow.people.person(self.ctx.company_id, person_id)
        return self._people[person_id]

    async def facts(self, service_id: UUID, pet_ids: tuple[UUID, ...], client_id: UUID, staff_id: UUID | None,
                    block_title: str | None, staff_note: str | None) -> VisitFacts:
        company = self.ctx.company_id
        if service_id not in self._services:
            self._services[service_id] = (await self.ctx.uow.services.get(company, service_id)).name
        missing = [p for p in pet_ids if p not in self._pets]
        self._pets.update({pet.id: pet.name for pet in await self.ctx.uow.pets.many(company, missing)})
        client, staff = await self.person(client_id), await self.person(staff_id)
        return VisitFacts(self._services[service_id], tuple(self._pets[p] for p in pet_ids if p in self._pets),
                          client.name if client else None, staff.name if staff else None, block_title,
                          staff_note if self.kind == "staff" else None)  # R-SCHED-3: never to a client

    async def visit_entry(self, visit: Visit, tz: ZoneInfo) -> FeedEntry:
        block = await self.ctx.uow.blocks.get(visit.company_id, visit.block_id) if visit.block_id else None
        facts = await self.facts(visit.service_id, visit.pet_ids, visit.client_id, visit.staff_id,
                                 block.title if block else None, visit.staff_note)
        summary, description = describe(self.kind, facts)
        # A block visit spans its block (it happens some time within it); a timed one its duration.
        return FeedEntry(f"visit-{visit.id}@petcare", visit.starts_at.astimezone(tz), visit.ends_at.astimezone(tz),
                         summary,
                         description, status=visit.status.value)

    async def projected_entry(self, template: Template, day: date, tz: ZoneInfo) -> FeedEntry:
        block = await self.ctx.uow.blocks.get(template.company_id, template.block_id) if template.block_id else None
        placed = place(day, template.recurrence.local_time, block, template.duration_minutes, tz)
        facts = await self.facts(template.service_id, template.pet_ids, template.client_id, template.staff_id,
                                 block.title if block else None, None)
        summary, description = describe(self.kind, facts)
        description = "\n".join(filter(None, ["Repeat schedule: not confirmed yet.", description]))
        return FeedEntry(f"template-{template.id}-{day:%Y%m%d}@petcare", placed.starts_at.astimezone(tz),
                         placed.ends_at.astimezone(tz), f"{summary} (planned)", description, tentative=True)
