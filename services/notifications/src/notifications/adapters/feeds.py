"""Conversation feeds: one per client and per staff member; the in-app channel (R-DELIV-2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.tables import feed_messages, feed_reads


@dataclass(frozen=True)
class FeedMessage:
    id: UUID
    person_id: UUID
    author: str
    author_id: UUID | None
    text: str
    image_urls: list[str]
    report_card_url: str | None
    source: str
    created_at: datetime


async def add_message(session: AsyncSession, *, company_id: UUID, person_id: UUID, author: str,
                      author_id: UUID | None, text: str, image_urls: list[str], report_card_url: str | None,
                      source: str, source_id: UUID | None = None) -> FeedMessage:
    message_id = uuid4()
    row = (await session.execute(insert(feed_messages).values(
        id=message_id, company_id=company_id, person_id=person_id, author=author, author_id=author_id, text=text,
        image_urls=image_urls, report_card_url=report_card_url, source=source, source_id=source_id,
    ).returning(feed_messages))).one()
    return _message(row)


def _message(row) -> FeedMessage:  # type: ignore[no-untyped-def]
    return FeedMessage(row.id, row.person_id, row.author, row.author_id, row.text, list(row.image_urls),
                       row.report_card_url, row.source, row.created_at)


async def page(session: AsyncSession, company_id: UUID, person_id: UUID, *, before: datetime | None,
               limit: int) -> list[FeedMessage]:
    """Newest first; pass the oldest `created_at` seen as `before` for the next page."""
    query = select(feed_messages).where(feed_messages.c.company_id == company_id,
                                        feed_messages.c.person_id == person_id)
    if before is not None:
        query = query.where(feed_messages.c.created_at < before)
    query = query.order_by(feed_messages.c.created_at.desc(), feed_messages.c.id.desc()).limit(limit)
    return [_message(row) for row in await session.execute(query)]


async def mark_read(session: AsyncSession, person_id: UUID, reader_id: UUID, at: datetime) -> None:
    await session.execute(insert(feed_reads).values(person_id=person_id, reader_id=reader_id, last_read_at=at)
                          .on_conflict_do_update(index_elements=["person_id", "reader_id"],
                                                 set_={"last_read_at": func.greatest(feed_reads.c.last_read_at, at)}))


async def unread_count(session: AsyncSession, company_id: UUID, person_id: UUID, reader_id: UUID) -> int:
    last_read = select(feed_reads.c.last_read_at).where(feed_reads.c.person_id == person_id,
                                                        feed_reads.c.reader_id == reader_id).scalar_subquery()
    return await session.scalar(select(func.count()).select_from(feed_messages).where(
        feed_messages.c.company_id == company_id, feed_messages.c.person_id == person_id,
        or_(feed_messages.c.author_id.is_(None), feed_messages.c.author_id != reader_id),
        or_(last_read.is_(None), and_(feed_messages.c.created_at > last_read)))) or 0
