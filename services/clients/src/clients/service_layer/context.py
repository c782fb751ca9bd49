"""What a use case works with: the caller, their company, and the unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from petcare_contracts import Envelope, EventPayload
from petcare_kit.errors import Unauthenticated
from petcare_kit.identity import Identity
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession

from clients.config import ClientsSettings


@dataclass
class Context:
    uow: UnitOfWork
    identity: Identity
    settings: ClientsSettings

    @property
    def session(self) -> AsyncSession:
        return self.uow.session

    @property
    def company_id(self) -> UUID:
        if self.identity.company_id is None:
            raise Unauthenticated("This request carries no company.")
        return self.identity.company_id

    @property
    def person_id(self) -> UUID:
        """The signed-in person (or the one a public route just signed in); 401 for anyone else."""
        if self.identity.person_id is None:
            raise Unauthenticated("This request carries no person.")
        return self.identity.person_id

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    async def publish(self, payload: EventPayload, *, company_id: UUID | None = None) -> Envelope:
        return await self.uow.publish(payload, company_id=company_id or self.company_id,
                                      actor=self.identity.actor())

    async def commit(self) -> None:
        await self.uow.commit()
