"""Conversation feeds (R-DELIV-2): messages and each reader's last read. Never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.tables import feed_messages, feed_reads
from notifications.domain.feeds import FeedMessage


class SqlFeeds:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, message: FeedMessage) -> FeedMessage:
        row = (await self.session.execute(insert(feed_messages).values(
            id=message.id, company_id=message.company_id, person_id=message.person_id, author=message.author,
            author_id=message.author_id, text=message.text, image_urls=message.image_urls,
            report_card_url=message.report_card_url, source=message.source, source_id=message.source_id,
        ).returning(feed_messages))).one()
        return _message(row)

    async def page(self, company_id: UUID, person_id: UUID, *, before: datetime | None,
                   limit: int) -> list[FeedMessage]:
        query = select(feed_messages).where(feed_messages.c.company_id == company_id,
                                            feed_messages.c.person_id == person_id)
        if before is not None:
            query = query.where(feed_messages.c.created_at < before)
        query = query.order_by(feed_messages.c.created_at.desc(), feed_messages.c.id.desc()).limit(limit)
        return [_message(row) for row in await self.session.execute(query)]

    async def mark_read(self, person_id: UUID, reader_id: UUID, at: datetime) -> None:
        await self.session.execute(
            insert(feed_reads).values(person_id=person_id, reader_id=reader_id, last_read_at=at)
            .on_conflict_do_update(index_elements=["person_id", "reader_id"],
                                   set_={"last_read_at": func.greatest(feed_reads.c.last_read_at, at)}))

    async def unread_count(self, company_id: UUID, person_id: UUID, reader_id: UUID) -> int:
        last_read = select(feed_reads.c.last_read_at).where(feed_reads.c.person_id == person_id,
                                                            feed_reads.c.reader_id == reader_id).scalar_subquery()
        return await self.session.scalar(select(func.count()).select_from(feed_messages).where(
            feed_messages.c.company_id == company_id, feed_messages.c.person_id == person_id,
            or_(feed_messages.c.author_id.is_(None), feed_messages.c.author_id != reader_id),
            or_(last_read.is_(None), and_(feed_messages.c.created_at > last_read)))) or 0


def _message(row: Row[Any]) -> FeedMessage:
    return FeedMessage(row.id, row.company_id, row.person_id, row.author, row.author_id, row.text,
                       list(row.image_urls), row.report_card_url, row.source, row.source_id, row.created_at)
