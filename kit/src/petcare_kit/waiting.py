"""Events that name something not consumed yet wait for it, instead of being lost.

Topics are not ordered with each other: a visit's or a payment's event can be consumed before the
`clients.client.added` that introduces its client (always so when a new consumer group reads every
topic from the start). Failing or dead-lettering it would lose a legitimate message. So a handler
(usually through a repository) raises `NotKnownYet(entity_id)`; the consumer rolls back what the
handler did, and parks the original record in `waiting_events`, in the same transaction that
records the message as consumed. When the entity appears, the service calls
`router.replay_waiting(uow, entity_id)` (for clients.events, from the read model's hook:
`petcare_kit.client_directory`) and the parked events are handed to their handlers again, oldest
first. An event still waiting after `wait` is dead-lettered in the consumer's format
(`petcare_kit.dead_letters`), with its original topic, partition, offset, key and headers.

A service turns it on by giving its router a room: `EventRouter(handles=[...],
waiting=WaitingRoom(group, wait))`, runs `room.expiry_job(sessions)` as a background task, and
creates the table with `petcare_kit.migrations.kit_tables.create_waiting_table()`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from petcare_contracts import ContractError, Envelope, decode
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Row,
    Table,
    Text,
    Uuid,
    delete,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petcare_kit import tracing
from petcare_kit.background import PeriodicJob
from petcare_kit.context import correlation_id_var
from petcare_kit.dead_letters import OriginalRecord, dead_letter
from petcare_kit.headers import headers_from_json, headers_to_json
from petcare_kit.transient import is_transient
from petcare_kit.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from petcare_kit.consumer import EventRouter

log = logging.getLogger(__name__)

WAITING_METADATA = MetaData()

waiting_events = Table(
    "waiting_events",
    WAITING_METADATA,
    Column("consumer_group", Text, nullable=False),
    Column("message_id", Uuid, nullable=False, comment="the envelope id"),
    Column("entity_id", Uuid, nullable=False, comment="the person or company not known yet"),
    Column("reason", Text, nullable=False, comment="why it waits: unknown_recipient, unknown_company..."),
    Column("company_id", Uuid, nullable=True),
    Column("topic", Text, nullable=False),
    Column("partition", Integer, nullable=True, comment="null only for events parked before migration"),
    Column("offset", BigInteger, nullable=True),
    Column("key", LargeBinary, nullable=True),
    Column("value", LargeBinary, nullable=True, comment="the record's bytes, as received"),
    Column("headers", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("parked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("consumer_group", "message_id"),
    Index("waiting_events_by_entity", "consumer_group", "entity_id"),
    Index("waiting_events_by_parked_at", "parked_at"),
)


class NotKnownYet(LookupError):
    """A handler met an id (a person, a company) whose own event has not been consumed yet.

    Raise it (or a subclass) from a repository; with a waiting room on the router the event waits
    for `entity_id`, without one it fails like any other error. `reason_code` starts the dead
    letter's reason if it never appears."""

    reason_code: ClassVar[str] = "not_known_yet"

    def __init__(self, entity_id: UUID, message: str | None = None) -> None:
        super().__init__(message or f"{entity_id} not known yet")
        self.entity_id = entity_id


class WaitingRoom:
    """Parks, replays and expires the events of one consumer group (see the module docstring).

    `wait`: how long an event waits for its entity before it is dead-lettered."""

    def __init__(self, group: str, wait: timedelta) -> None:
        self.group, self.wait = group, wait

    async def park(self, session: AsyncSession, original: OriginalRecord, envelope: Envelope,
                   missing: NotKnownYet) -> None:
        """Keep the record until `missing.entity_id` appears; parking the same message twice is once."""
        log.info("%s %s waits for %s", envelope.type, envelope.id, missing.entity_id)
        await session.execute(insert(waiting_events).values(
            consumer_group=self.group, message_id=envelope.id, entity_id=missing.entity_id,
            reason=missing.reason_code, company_id=envelope.company_id, topic=original.topic,
            partition=original.partition, offset=original.offset, key=original.key, value=original.value,
            headers=headers_to_json(original.headers),
        ).on_conflict_do_nothing())

    async def replay_for(self, uow: UnitOfWork, entity_id: UUID, router: EventRouter) -> int:
        """`entity_id` is known now: hand its waiting events to their handlers again, oldest first,
        each in a savepoint. One that names another unknown entity waits again (for that one); one
        whose handler fails is dead-lettered alone, so the event that made the entity known is
        applied whatever the replays do. Transient errors propagate (the batch retries). Returns how
        many were replayed."""
        rows = (await uow.session.execute(
            delete(waiting_events)
            .where(waiting_events.c.consumer_group == self.group, waiting_events.c.entity_id == entity_id)
            .returning(waiting_events))).all()
        for row in sorted(rows, key=lambda r: r.parked_at):
            await self._replay(uow, router, row)
        return len(rows)

    async def _replay(self, uow: UnitOfWork, router: EventRouter, row: Row[Any]) -> None:
        original = _original(row)
        try:
            envelope, payload = decode(row.value or b"")
        except ContractError as error:  # cannot happen for a parked event, unless contracts changed since
            await dead_letter(uow.session, self.group, original, f"{error.reason}: {error}", message_id=row.message_id)
            return
        handler = router.handler_for(envelope)
        if handler is None:
            return
        token = correlation_id_var.set(envelope.correlation_id)
        savepoint = await uow.session.begin_nested()
        try:
            # Under the parked record's own trace, not the one of the event that released it: what the
            # handler publishes or queues (an email) belongs to the request that caused the event.
            with tracing.processing([original], self.group, envelope):
                await handler(uow, envelope, payload)
            await savepoint.commit()
        except NotKnownYet as missing:
            await savepoint.rollback()
            await self.park(uow.session, original, envelope, missing)
        except Exception as error:
            await savepoint.rollback()
            if is_transient(error):
                raise
            log.error("replaying %s %s failed", envelope.type, envelope.id, exc_info=error)
            await dead_letter(uow.session, self.group, original, f"handler_failed: {error!r}",
                              message_id=row.message_id)
        finally:
            correlation_id_var.reset(token)

    async def dead_letter_expired(self, uow: UnitOfWork) -> int:
        """Events whose entity has not appeared after `wait` go to the dead-letter topic, with the
        reason (`unknown_recipient: <id> not known after 3600 s`). Commits; returns how many."""
        rows = (await uow.session.execute(
            delete(waiting_events)
            .where(waiting_events.c.consumer_group == self.group,
                   waiting_events.c.parked_at < func.now() - self.wait)
            .returning(waiting_events))).all()
        for row in rows:
            reason = f"{row.reason}: {row.entity_id} not known after {int(self.wait.total_seconds())} s"
            await dead_letter(uow.session, self.group, _original(row), reason, message_id=row.message_id)
        await uow.commit()
        return len(rows)

    def expiry_job(self, sessions: async_sessionmaker[AsyncSession], interval_seconds: float = 30) -> PeriodicJob:
        """The background job: `dead_letter_expired` every `interval_seconds`, retried with backoff
        when it fails. Safe with several replicas: each expired row is deleted (and dead-lettered) by
        one of them. Run it with `runtime.add_background_task(job.name, job.run_forever)`."""

        async def expire() -> int:
            async with UnitOfWork(sessions) as uow:
                return await self.dead_letter_expired(uow)

        return PeriodicJob(f"{self.group}-expire-waiting-events", expire, interval_seconds=interval_seconds)


def _original(row: Row[Any]) -> OriginalRecord:
    m = row._mapping
    return OriginalRecord(m["topic"], m["partition"], m["offset"], m["key"], m["value"],
                          headers_from_json(m["headers"]))
