"""What a use case works with: the unit of work (repositories, events, one commit) and the caller.
Built by the entrypoints (a route, a consumer handler, a background job), or with fakes by unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from petcare_contracts import Envelope, EventPayload
from petcare_kit.errors import Unauthenticated
from petcare_kit.identity import Identity, Role

from scheduling.service_layer.ports import UnitOfWork

SYSTEM = Identity(Role.INTERNAL)
"""Who acts for the consumer and background jobs: the service itself."""


@dataclass
class Context:
    uow: UnitOfWork
    identity: Identity = field(default=SYSTEM)

    @property
    def company_id(self) -> UUID:
        company_id = self.identity.company_id
        if company_id is None:
            raise Unauthenticated("This request carries no company.")
        return company_id

    @property
    def is_client(self) -> bool:
        return self.identity.role == Role.CLIENT

    @property
    def is_manager(self) -> bool:
        return self.identity.is_manager

    @property
    def person_id(self) -> UUID | None:
        return self.identity.person_id

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    async def publish(self, payload: EventPayload, *, company_id: UUID | None = None,
                      causation_id: UUID | None = None) -> Envelope:
        """Queue an event in this transaction (the outbox): it goes out if and only if we commit."""
        return await self.uow.publish(payload, company_id=company_id or self.company_id,
                                      actor=self.identity.actor(), causation_id=causation_id)

    async def commit(self) -> None:
        await self.uow.commit()
