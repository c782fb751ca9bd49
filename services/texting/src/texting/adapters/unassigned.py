"""Unassigned Messages in SQL. Never commits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from petcare_kit.errors import NotFound
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from texting.adapters.tables import unassigned
from texting.domain.unassigned import UnassignedMessage


def message_of(row: Any) -> UnassignedMessage:
    return UnassignedMessage(id=row.id, company_id=row.company_id, text_id=row.text_id, from_number=row.from_number,
                             body=row.body, received_at=row.received_at, media_urls=list(row.media_urls),
                             assigned_to=row.assigned_to, assigned_kind=row.assigned_kind,
                             assigned_at=row.assigned_at)


class SqlUnassigned:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, message: UnassignedMessage) -> None:
        await self.session.execute(insert(unassigned).values(
            id=message.id, company_id=message.company_id, text_id=message.text_id, from_number=message.from_number,
            body=message.body, media_urls=message.media_urls, received_at=message.received_at))

    async def get(self, company_id: UUID, unassigned_id: UUID) -> UnassignedMessage:
        row = (await self.session.execute(select(unassigned).where(
            unassigned.c.company_id == company_id, unassigned.c.id == unassigned_id).with_for_update())).one_or_none()
        if row is None:
            raise NotFound("No such unassigned message.", code="unassigned_message_not_found")
        return message_of(row)

    async def in_company(self, company_id: UUID, *, include_assigned: bool) -> list[UnassignedMessage]:
        query = select(unassigned).where(unassigned.c.company_id == company_id)
        if not include_assigned:
            query = query.where(unassigned.c.assigned_to.is_(None))
        rows = await self.session.execute(query.order_by(unassigned.c.received_at.desc(), unassigned.c.id))
        return [message_of(row) for row in rows]

    async def save(self, message: UnassignedMessage) -> None:
        await self.session.execute(update(unassigned).where(unassigned.c.id == message.id).values(
            assigned_to=message.assigned_to, assigned_kind=message.assigned_kind, assigned_at=message.assigned_at))
