"""What calendar feeds need beyond the templates' unit of work (R-SCHED-12): the feed addresses and
the templates a feed expands. Never commits."""

from __future__ import annotations

from datetime import date
from typing import Protocol, cast
from uuid import UUID

from scheduling.domain.calendar import CalendarFeed, FeedKind
from scheduling.domain.templates import Template
from scheduling.service_layer.context import Context
from scheduling.service_layer.templates_ports import TemplatesUnitOfWork


class CalendarFeeds(Protocol):
    async def get(self, company_id: UUID, kind: FeedKind, person_id: UUID) -> CalendarFeed | None: ...

    async def of_person(self, kind: FeedKind, person_id: UUID) -> CalendarFeed | None:
        """The person's feed whatever the company (the public feed route has no caller to scope by;
        a person id belongs to one company)."""

    async def save(self, feed: CalendarFeed) -> CalendarFeed:
        """Insert, or replace the person's token (the old address stops working)."""

    async def add_if_missing(self, feed: CalendarFeed) -> CalendarFeed:
        """The person's feed as stored: `feed` when there was none, else the existing one."""

    async def templates_for(self, company_id: UUID, *, client_id: UUID | None = None, staff_id: UUID | None = None,
                            covering_from: date) -> list[Template]:
        """The client's (or staff member's) templates not ended before `covering_from`."""


class CalendarUnitOfWork(TemplatesUnitOfWork, Protocol):
    @property
    def calendar_feeds(self) -> CalendarFeeds: ...


def repos(ctx: Context) -> CalendarUnitOfWork:
    """`ctx.uow` with the calendar repositories: the entrypoints build these contexts on
    `adapters.calendar_unit_of_work.SqlCalendarUnitOfWork`."""
    return cast(CalendarUnitOfWork, ctx.uow)
