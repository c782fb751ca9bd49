"""Deliveries: one per (cause, recipient, trigger), with the decision and each channel's state.
The email dispatcher (service_layer/email_dispatcher.py) works the same table. Never commits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from petcare_kit import tracing
from sqlalchemy import Row, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.tables import deliveries
from notifications.domain.deliveries import TEXT_FINAL_STATES, DeliveryRecord, NewDelivery


class SqlDeliveries:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, delivery: NewDelivery) -> bool:
        email = tracing.with_trace_context(delivery.email)  # its SendGrid call joins this trace
        result = await self.session.execute(insert(deliveries).values(
            id=delivery.id, company_id=delivery.company_id, trigger=delivery.trigger,
            recipient_id=delivery.recipient_id, source_id=delivery.source_id, decision=delivery.decision,
            email_state="pending" if email else "none", email=email,
            email_next_attempt_at=func.now() if email else None,
            text_state="requested" if delivery.text_requested else "none",
        ).on_conflict_do_nothing().returning(deliveries.c.id))
        return result.scalar_one_or_none() is not None

    async def set_text_state(self, delivery_id: UUID, state: str, error: str | None = None) -> None:
        query = update(deliveries).where(deliveries.c.id == delivery_id)
        if state == "sent":  # domain.deliveries.text_state_may_change, in one statement
            query = query.where(deliveries.c.text_state.not_in(TEXT_FINAL_STATES))
        await self.session.execute(query.values(text_state=state, text_error=error, updated_at=func.now()))

    async def for_recipient(self, company_id: UUID, recipient_id: UUID, limit: int) -> list[DeliveryRecord]:
        query = (select(deliveries)
                 .where(deliveries.c.company_id == company_id, deliveries.c.recipient_id == recipient_id)
                 .order_by(deliveries.c.created_at.desc()).limit(limit))
        return [_record(row) for row in await self.session.execute(query)]

    async def get(self, company_id: UUID, delivery_id: UUID) -> DeliveryRecord | None:
        row = (await self.session.execute(select(deliveries).where(
            deliveries.c.company_id == company_id, deliveries.c.id == delivery_id))).one_or_none()
        return _record(row) if row else None


def _record(row: Row[Any]) -> DeliveryRecord:
    return DeliveryRecord(
        id=row.id, trigger=row.trigger, recipient_id=row.recipient_id, created_at=row.created_at,
        decision=list(row.decision), email_state=row.email_state, text_state=row.text_state, email=row.email or {},
        email_attempts=row.email_attempts, email_provider_id=row.email_provider_id, email_error=row.email_error,
        text_error=row.text_error)
