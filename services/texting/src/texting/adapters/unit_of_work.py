"""The texting unit of work over SQL: the kit's transaction (outbox events, one commit) with the
texting repositories bound to its session. Entrypoints build one per request, batch or job run."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload
from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession

from texting.adapters import repository
from texting.adapters.accounts import SqlAccounts
from texting.adapters.people import SqlPeople
from texting.adapters.texts import SqlTexts, SqlUsageMonths
from texting.adapters.unassigned import SqlUnassigned


class SqlOptOuts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def set(self, company_id: UUID, number: str, opted_out: bool) -> None:
        await repository.set_opted_out(self.session, company_id, number, opted_out)

    async def is_opted_out(self, company_id: UUID, number: str) -> bool:
        return await repository.is_opted_out(self.session, company_id, number)


class SqlUnitOfWork:
    """Wraps an entered kit UnitOfWork (its transaction is the caller's to open and close)."""

    def __init__(self, uow: KitUnitOfWork) -> None:
        self.kit = uow
        session = uow.session
        self.accounts = SqlAccounts(session)
        self.people = SqlPeople(session)
        self.texts = SqlTexts(session)
        self.usage_months = SqlUsageMonths(session)
        self.unassigned = SqlUnassigned(session)
        self.opt_outs = SqlOptOuts(session)

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        return await self.kit.publish(payload, company_id=company_id, actor=actor, causation_id=causation_id)

    async def commit(self) -> None:
        await self.kit.commit()
