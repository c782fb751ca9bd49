"""Calendar feed addresses and the templates a feed expands, over SQL (R-SCHED-12). Return domain
objects; never commit."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.adapters.calendar_tables import calendar_feeds
from scheduling.adapters.templates import _template
from scheduling.adapters.templates_tables import templates
from scheduling.domain.calendar import CalendarFeed, FeedKind
from scheduling.domain.templates import Template


class SqlCalendarFeeds:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, company_id: UUID, kind: FeedKind, person_id: UUID) -> CalendarFeed | None:
        row = (await self.session.execute(select(calendar_feeds).where(
            calendar_feeds.c.company_id == company_id, calendar_feeds.c.kind == kind,
            calendar_feeds.c.person_id == person_id))).one_or_none()
        return None if row is None else _feed(row)

    async def of_person(self, kind: FeedKind, person_id: UUID) -> CalendarFeed | None:
        row = (await self.session.execute(select(calendar_feeds).where(
            calendar_feeds.c.kind == kind, calendar_feeds.c.person_id == person_id))).one_or_none()
        return None if row is None else _feed(row)

    async def save(self, feed: CalendarFeed) -> CalendarFeed:
        # Insert, or replace the token: the old address stops working (revocation).
        row = (await self.session.execute(
            pg_insert(calendar_feeds)
            .values(company_id=feed.company_id, kind=feed.kind, person_id=feed.person_id, token=feed.token)
            .on_conflict_do_update(constraint="calendar_feeds_pkey", set_={"token": feed.token})
            .returning(calendar_feeds))).one()
        return _feed(row)

    async def add_if_missing(self, feed: CalendarFeed) -> CalendarFeed:
        inserted = (await self.session.execute(
            pg_insert(calendar_feeds)
            .values(company_id=feed.company_id, kind=feed.kind, person_id=feed.person_id, token=feed.token)
            .on_conflict_do_nothing(constraint="calendar_feeds_pkey")
            .returning(calendar_feeds))).one_or_none()
        if inserted is not None:
            return _feed(inserted)
        found = await self.get(feed.company_id, feed.kind, feed.person_id)
        assert found is not None, "the conflicting row is there"
        return found

    async def templates_for(self, company_id: UUID, *, client_id: UUID | None = None, staff_id: UUID | None = None,
                            covering_from: date) -> list[Template]:
        query = select(templates).where(templates.c.company_id == company_id,
                                        or_(templates.c.ends_on.is_(None), templates.c.ends_on >= covering_from))
        if client_id is not None:
            query = query.where(templates.c.client_id == client_id)
        if staff_id is not None:
            query = query.where(templates.c.staff_id == staff_id)
        return [_template(row) for row in await self.session.execute(query.order_by(templates.c.id))]


def _feed(row: Any) -> CalendarFeed:
    return CalendarFeed(row.company_id, row.kind, row.person_id, row.token, row.created_at)
