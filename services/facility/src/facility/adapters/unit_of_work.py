"""facility's unit of work over SQL: the kit's transaction (outbox events, one commit) with the
repositories bound to its session. Entrypoints build one per request, consumed batch or job run."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload
from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from facility.adapters.examples import SqlExamples


class SqlUnitOfWork:
    """Wraps an entered kit UnitOfWork (its transaction is the caller's to open and close)."""

    def __init__(self, uow: KitUnitOfWork) -> None:
        self.kit = uow
        self._examples = SqlExamples(uow.session)

    @property
    def examples(self) -> SqlExamples:
        return self._examples

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        return await self.kit.publish(payload, company_id=company_id, actor=actor, causation_id=causation_id)

    async def commit(self) -> None:
        await self.kit.commit()
