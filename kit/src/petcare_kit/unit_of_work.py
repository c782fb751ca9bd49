"""The one owner of a transaction: a request or a batch of messages opens one, changes state through
repositories that never commit, queues events, and commits once. Events are outbox rows written in
that same transaction (cosmicpython's unit of work, without its in-memory event loss)."""

from __future__ import annotations

from types import TracebackType
from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload, new_envelope
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petcare_kit import outbox
from petcare_kit.context import current_correlation_id


class UnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `async with`")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._sessions()
        await self._session.begin()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        session, self._session = self.session, None
        try:
            if session.in_transaction():
                await session.rollback()
        finally:
            await session.close()

    async def publish(
        self,
        payload: EventPayload,
        *,
        company_id: UUID | None,
        actor: Actor = SYSTEM,
        causation_id: UUID | None = None,
        correlation_id: str | None = None,
        topic: str | None = None,
    ) -> Envelope:
        """Queue an event in this transaction: it goes out if and only if the transaction commits.
        `topic` overrides the event's registered topic (tests and ops tools only)."""
        envelope = new_envelope(
            payload,
            company_id=company_id,
            actor=actor,
            causation_id=causation_id,
            correlation_id=correlation_id or current_correlation_id(),
        )
        await outbox.add_rows(
            self.session, [outbox.envelope_row(envelope, topic=topic or payload.topic, key=payload.partition_key())]
        )
        return envelope

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
