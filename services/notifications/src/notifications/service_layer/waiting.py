"""Events that name a person notifications does not know yet wait for them.

Topics are not ordered with each other: a visit's or a payment's event can be consumed before the
`clients.client.added` that introduces its client (always so when a new consumer group reads every
topic from the start). Dead-lettering it would lose a legitimate email. Instead the event is parked
in the same transaction that records it as consumed, replayed when the person appears, and
dead-lettered with its reason only if they have not appeared after
`NOTIFICATIONS_UNKNOWN_RECIPIENT_WAIT_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from uuid import UUID

from petcare_contracts import Envelope, dead_letter_topic, decode, envelope_headers
from petcare_kit import outbox
from petcare_kit.consumer import EventRouter, Handler
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.adapters.read_models import UnknownRecipient
from notifications.adapters.tables import waiting_events

log = logging.getLogger(__name__)
GROUP = "notifications"


class WaitingRouter(EventRouter):
    """An EventRouter whose handlers park their event when it names an unknown person."""

    def on(self, payload_model):  # type: ignore[no-untyped-def]
        register = super().on(payload_model)

        def wrap(handler: Handler) -> Handler:
            async def parking_when_unknown(uow: UnitOfWork, envelope: Envelope, payload) -> None:  # type: ignore[no-untyped-def]
                savepoint = await uow.session.begin_nested()
                try:
                    await handler(uow, envelope, payload)
                except UnknownRecipient as missing:
                    await savepoint.rollback()
                    await park(uow.session, envelope, missing.person_id, payload.topic)
                    return
                await savepoint.commit()

            register(parking_when_unknown)
            return handler

        return wrap


async def park(session: AsyncSession, envelope: Envelope, person_id: UUID, topic: str) -> None:
    log.info("%s %s waits for recipient %s", envelope.type, envelope.id, person_id)
    await session.execute(insert(waiting_events).values(
        id=envelope.id, company_id=envelope.company_id, person_id=person_id, topic=topic,
        envelope=envelope.model_dump_json()).on_conflict_do_nothing())


async def replay_for(uow: UnitOfWork, person_id: UUID, router: EventRouter) -> int:
    """The person is known now: hand their waiting events to their handlers again, oldest first."""
    rows = (await uow.session.execute(
        delete(waiting_events).where(waiting_events.c.person_id == person_id)
        .returning(waiting_events.c.envelope, waiting_events.c.parked_at))).all()
    for row in sorted(rows, key=lambda r: r.parked_at):
        envelope, payload = decode(row.envelope.encode())
        handler = router.handler_for(envelope)
        if handler is not None:
            await handler(uow, envelope, payload)
    return len(rows)


async def dead_letter_expired(uow: UnitOfWork, wait: timedelta) -> int:
    """Events whose person never appeared go to the dead-letter topic, with the reason."""
    rows = (await uow.session.execute(
        delete(waiting_events).where(waiting_events.c.parked_at < func.now() - wait)
        .returning(waiting_events))).all()
    for row in rows:
        envelope, _ = decode(row.envelope.encode())
        reason = f"unknown_recipient: {row.person_id} not known after {int(wait.total_seconds())} s"
        headers = [*envelope_headers(envelope), ("dlq-reason", reason.encode()),
                   ("dlq-consumer-group", GROUP.encode()), ("dlq-original-topic", row.topic.encode())]
        await outbox.add_rows(uow.session, [outbox.raw_row(
            row_id=outbox.dead_letter_row_id(GROUP, row.topic, -1, row.id.int % 2**63), topic=dead_letter_topic(GROUP),
            key=str(row.person_id).encode(), value=row.envelope.encode(), headers=headers)])
        log.warning("dead-lettered %s: %s", envelope.id, reason)
    await uow.commit()
    return len(rows)


async def expire_forever(sessions: async_sessionmaker[AsyncSession], wait: timedelta,
                         interval_seconds: float = 30) -> None:
    while True:
        try:
            async with UnitOfWork(sessions) as uow:
                await dead_letter_expired(uow, wait)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("expiring waiting events failed; will retry")
        with contextlib.suppress(TimeoutError):
            await asyncio.sleep(interval_seconds)
