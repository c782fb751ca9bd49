"""What a use case called from the API works with: the unit of work (repositories, events, one
commit) and the caller. Built by the entrypoints, or with fakes by unit tests. Use cases called by
the consumer take the unit of work alone: the consumer commits the batch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from petcare_kit.errors import Unauthenticated
from petcare_kit.identity import Identity

from notifications.service_layer.ports import UnitOfWork


@dataclass
class Context:
    uow: UnitOfWork
    identity: Identity

    @property
    def company_id(self) -> UUID:
        if self.identity.company_id is None:
            raise Unauthenticated("This request carries no company.")
        return self.identity.company_id

    @property
    def person_id(self) -> UUID:
        if self.identity.person_id is None:
            raise Unauthenticated("This request carries no person.")
        return self.identity.person_id

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    async def commit(self) -> None:
        await self.uow.commit()
