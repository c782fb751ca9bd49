"""What a use case works with, in every service: the unit of work (repositories, events, one commit)
and the caller. Built by the entrypoints (a route, a consumer handler, a background job), or with
fakes by unit tests. Each service subclasses `UseCaseContext` with its own unit-of-work port and adds
only what its use cases need (settings, a provider, role helpers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from petcare_contracts import Actor, Envelope, EventPayload

from petcare_kit.errors import Unauthenticated
from petcare_kit.identity import Identity, Role

SYSTEM = Identity(Role.INTERNAL)
"""Who acts for consumers, background jobs and provider webhooks: the service itself (no person,
no company: such use cases name the company they act for)."""


class Transaction(Protocol):
    """What the base context needs of a unit of work; every service's `UnitOfWork` port (and
    `petcare_kit.unit_of_work.UnitOfWork`) has it."""

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = ...,
                      causation_id: UUID | None = None) -> Envelope: ...

    async def commit(self) -> None: ...


UoW = TypeVar("UoW", bound=Transaction)


@dataclass
class UseCaseContext(Generic[UoW]):
    """`uow`: the service's unit of work (its repositories are typed by the service's port);
    `identity`: the verified caller (`SYSTEM` for consumers and jobs)."""

    uow: UoW
    identity: Identity

    @property
    def company_id(self) -> UUID:
        """The caller's company. Raises Unauthenticated (401) when the identity carries none."""
        company_id = self.identity.company_id
        if company_id is None:
            raise Unauthenticated("This request carries no company.")
        return company_id

    @property
    def person_id_or_none(self) -> UUID | None:
        """The signed-in person, or None for the service itself and the gateway's internal calls."""
        return self.identity.person_id

    @property
    def signed_in_person_id(self) -> UUID:
        """The signed-in person (or the one a public route just signed in). Raises Unauthenticated
        (401) for anyone else. A service whose use cases need it exposes it as `person_id`."""
        person_id = self.identity.person_id
        if person_id is None:
            raise Unauthenticated("This request carries no person.")
        return person_id

    @staticmethod
    def now() -> datetime:
        """The current time, timezone-aware, in UTC."""
        return datetime.now(UTC)

    async def publish(self, payload: EventPayload, *, company_id: UUID | None = None,
                      causation_id: UUID | None = None) -> Envelope:
        """Queue an event in this transaction (the outbox): it goes out if and only if we commit.
        `company_id` defaults to the caller's (so raises Unauthenticated when it has none); the
        actor is the caller; `causation_id`: the id of the event this one answers, if any."""
        return await self.uow.publish(payload, company_id=company_id or self.company_id,
                                      actor=self.identity.actor(), causation_id=causation_id)

    async def commit(self) -> None:
        """Commit the unit of work: the one commit of the use case."""
        await self.uow.commit()
