"""What a use case works with: the unit of work (repositories, events, one commit), the caller and
Twilio. Built by the entrypoints (HTTP, consumer, background jobs), or with fakes by unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from petcare_contracts import Envelope, EventPayload
from petcare_kit.errors import Unauthenticated
from petcare_kit.identity import Identity, Role

from texting.service_layer.ports import Twilio, UnitOfWork

SYSTEM = Identity(Role.INTERNAL)
"""Who acts for Twilio's webhooks, the consumer and background jobs: the service itself."""


@dataclass
class Context:
    uow: UnitOfWork
    identity: Identity = field(default=SYSTEM)
    twilio: Twilio | None = None
    webhook_base_url: str = ""
    """The public address Twilio calls back (through the gateway), without a trailing slash."""

    @property
    def company_id(self) -> UUID:
        company_id: UUID | None = self.identity.company_id
        if company_id is None:
            raise Unauthenticated("This request carries no company.")
        return company_id

    @property
    def provider(self) -> Twilio:
        if self.twilio is None:
            raise RuntimeError("this use case needs Twilio, and the context was built without it")
        return self.twilio

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    async def publish(self, payload: EventPayload, *, company_id: UUID,
                      causation_id: UUID | None = None) -> Envelope:
        return await self.uow.publish(payload, company_id=company_id, actor=self.identity.actor(),
                                      causation_id=causation_id)

    async def commit(self) -> None:
        await self.uow.commit()
