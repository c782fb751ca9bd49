"""Deliveries: one per (cause, recipient, trigger), with the decision and each channel's state."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.tables import deliveries


async def add(session: AsyncSession, **values: Any) -> bool:
    """False when this cause already produced a delivery for this recipient and trigger (a replay)."""
    result = await session.execute(insert(deliveries).values(**values).on_conflict_do_nothing()
                                   .returning(deliveries.c.id))
    return result.scalar_one_or_none() is not None


async def set_text_state(session: AsyncSession, delivery_id: UUID, state: str, error: str | None = None) -> None:
    """Follow texting's reports; a late 'sent' never overwrites a 'delivered' or 'failed'."""
    final = ("delivered", "failed", "not_sent")
    query = update(deliveries).where(deliveries.c.id == delivery_id)
    if state == "sent":
        query = query.where(deliveries.c.text_state.not_in(final))
    await session.execute(query.values(text_state=state, text_error=error, updated_at=func.now()))


async def for_recipient(session: AsyncSession, company_id: UUID, recipient_id: UUID, limit: int) -> list[dict]:
    query = (select(deliveries).where(deliveries.c.company_id == company_id, deliveries.c.recipient_id == recipient_id)
             .order_by(deliveries.c.created_at.desc()).limit(limit))
    return [dict(row._mapping) for row in await session.execute(query)]


async def get(session: AsyncSession, company_id: UUID, delivery_id: UUID) -> dict | None:
    row = (await session.execute(select(deliveries).where(
        deliveries.c.company_id == company_id, deliveries.c.id == delivery_id))).one_or_none()
    return dict(row._mapping) if row else None
