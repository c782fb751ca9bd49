"""The unit of work the use cases get: the repositories over one transaction, events queued in it
(outbox), replays of waiting events, one commit."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload
from petcare_kit.consumer import EventRouter
from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from notifications.adapters.companies import SqlCompanies
from notifications.adapters.deliveries_repo import SqlDeliveries
from notifications.adapters.feeds import SqlFeeds
from notifications.adapters.preferences_repo import SqlPreferences
from notifications.adapters.recipients import SqlRecipients


class SqlUnitOfWork:
    """Wraps an entered kit UnitOfWork (its transaction is the caller's to open and close).
    `router`: the consumer's, whose waiting room holds events for people not known yet (None for
    the API, which replays nothing)."""

    def __init__(self, uow: KitUnitOfWork, router: EventRouter | None = None) -> None:
        self.kit, self.router = uow, router
        session = uow.session
        self.recipients = SqlRecipients(session)
        self.companies = SqlCompanies(session)
        self.preferences = SqlPreferences(session)
        self.feeds = SqlFeeds(session)
        self.deliveries = SqlDeliveries(session)

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        return await self.kit.publish(payload, company_id=company_id, actor=actor, causation_id=causation_id)

    async def replay_waiting(self, entity_id: UUID) -> int:
        return await self.router.replay_waiting(self.kit, entity_id) if self.router else 0

    async def commit(self) -> None:
        await self.kit.commit()
