"""Sends queued texts through Twilio after they are stored, exactly once, and keeps their status
right when Twilio's status callbacks are lost.

Sending is the kit's provider call queue (`petcare_kit.provider_calls`): claim (SKIP LOCKED, a
lease), record the attempt, call, record the outcome; retries with backoff; a final failure is
recorded with Twilio's code, and 21610 (the number replied STOP) also records the opt-out (R-TEXT-12).

Crash recovery without guessing. Twilio has no idempotency key for messages and its Message
resource returns nothing of ours (not the StatusCallback URL, no tag), so our earlier attempt is
found by a look-up bounded by its time: the texts of one company number to one recipient are a lane,
called one at a time, so the messages Twilio created from that number to that recipient between the
attempt's start (less `CLOCK_SKEW`) and the end of its lease, that no other text of ours recorded,
are that attempt's. Never by body, never a fixed number of newest messages.

Reconciliation (`reconcile_due`): a text Twilio has but that is not final (accepted, queued, sent)
is looked up at Twilio `text_reconcile_after_seconds` after it was handed over, then less and less
often (at most hourly, for `RECONCILE_FOR`), and Twilio's answer is applied as its status callback
would have been. So callbacks posted while texting was down do not leave the log and usage wrong.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from petcare_contracts.events.texting import OptOutChanged, TextFailed, TextSent
from petcare_kit.background import PeriodicJob, claim_due
from petcare_kit.provider_calls import (
    CallFailed,
    CallPolicy,
    CallRejected,
    CallTable,
    Found,
    ProviderCallQueue,
)
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from texting.adapters import repository
from texting.adapters.tables import texts
from texting.adapters.twilio_gateway import OPTED_OUT, TwilioGateway, TwilioRejected, TwilioUnavailable
from texting.adapters.unit_of_work import SqlUnitOfWork
from texting.config import TextingSettings
from texting.service_layer import webhooks
from texting.service_layer.commands import ApplyStatusCallback
from texting.service_layer.context import Context

log = logging.getLogger(__name__)
BATCH = 20
CLOCK_SKEW = timedelta(seconds=10)
"""How far Twilio's clock (and its whole-second dates) may be from our database's."""
UNSETTLED = ("accepted", "queued", "sent")
"""Twilio has the text and may still report on it."""
RECONCILE_FOR = timedelta(days=3)
RECONCILE_AT_MOST_EVERY = timedelta(hours=1)
MAX_ATTEMPTS = 12
"""With backoff from 2 s doubling to 5 min: Twilio unreachable for about half an hour fails the text."""

TEXTS = CallTable(
    table=texts, state=texts.c.status, due_at=texts.c.next_attempt_at, attempts=texts.c.attempts,
    provider_id=texts.c.twilio_sid, error=texts.c.error, attempt_started_at=texts.c.attempt_started_at,
    lane=(texts.c.company_number, texts.c.number), order_by=(texts.c.part,), updated_at=texts.c.updated_at,
    pending="pending", claimed="sending", accepted="queued", failed="failed")


class TextDispatcher:
    """`run_forever()` sends due texts and reconciles unsettled ones until cancelled;
    `dispatch_due()` sends one batch, `reconcile_due()` reconciles one batch (tests)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], twilio: TwilioGateway,
                 settings: TextingSettings) -> None:
        self.sessions, self.twilio, self.settings = sessions, twilio, settings
        policy = CallPolicy(lease_seconds=settings.text_sending_timeout_seconds, max_attempts=MAX_ATTEMPTS,
                            batch=BATCH)
        self.queue = ProviderCallQueue("text", sessions, TEXTS, _TwilioCalls(self), policy)
        self.reconcile_after = timedelta(seconds=settings.text_reconcile_after_seconds)

    async def run_forever(self) -> None:
        sending = self.queue.job(interval_seconds=self.settings.text_poll_interval_seconds)
        reconciling = PeriodicJob("text-reconcile", self.reconcile_due, busy_at=BATCH, interval_seconds=max(
            self.settings.text_poll_interval_seconds, min(self.reconcile_after.total_seconds() / 2, 30.0)))
        async with asyncio.TaskGroup() as group:
            group.create_task(self.queue.run_forever(sending))  # woken by migration 0008's NOTIFY, else polled
            group.create_task(reconciling.run_forever())

    async def dispatch_due(self) -> int:
        """Claim and send one batch of due texts (at most one per recipient); how many were claimed."""
        return await self.queue.run_once()

    async def reconcile_due(self) -> int:
        """Ask Twilio about each unsettled text whose time has come; apply what changed."""
        async with UnitOfWork(self.sessions) as uow:
            rows = await claim_due(uow.session, texts, state=texts.c.status, due_at=texts.c.next_attempt_at,
                                   ready=UNSETTLED, claimed=None, lease_seconds=self.reconcile_after.total_seconds(),
                                   limit=BATCH, where=texts.c.twilio_sid.is_not(None))
            await uow.commit()
        for row in rows:
            await self._reconcile(row)
        return len(rows)

    async def _reconcile(self, row: Any) -> None:
        try:
            status, error_code = await asyncio.to_thread(self.twilio.status_of, row.twilio_sid)
        except TwilioRejected as error:
            log.warning("text %s: Twilio does not know %s (%s); not asking again", row.id, row.twilio_sid, error)
            await self._next_look(row, None)
            return
        except TwilioUnavailable as error:
            log.warning("text %s: cannot reconcile with Twilio now: %s", row.id, error)
            return  # the claim's lease brings it back
        if status != row.status:
            log.info("text %s: Twilio says %s, we had %s (a status callback was lost)", row.id, status, row.status)
            async with UnitOfWork(self.sessions) as uow:
                form = {"MessageSid": row.twilio_sid, "MessageStatus": status,
                        **({"ErrorCode": str(error_code)} if error_code is not None else {})}
                await webhooks.status_callback(Context(SqlUnitOfWork(uow)), ApplyStatusCallback.model_validate(form))
        age = datetime.now(row.created_at.tzinfo) - row.created_at
        again = None if age > RECONCILE_FOR else min(max(age, self.reconcile_after), RECONCILE_AT_MOST_EVERY)
        await self._next_look(row, again)

    async def _next_look(self, row: Any, after: timedelta | None) -> None:
        async with UnitOfWork(self.sessions) as uow:
            await uow.session.execute(update(texts).where(texts.c.id == row.id, texts.c.status.in_(UNSETTLED)).values(
                next_attempt_at=None if after is None else func.now() + after))
            await uow.commit()


class _TwilioCalls:
    """The provider side of the queue for texts."""

    def __init__(self, dispatcher: TextDispatcher) -> None:
        self.d = dispatcher

    async def send(self, row: Any) -> str | None:
        callback = f"{self.d.settings.webhook_base_url.rstrip('/')}/webhooks/twilio/status"
        try:
            return await asyncio.to_thread(self.d.twilio.send, from_number=row.company_number, to=row.number,
                                           body=row.body, media_urls=list(row.media_urls), status_callback=callback)
        except TwilioRejected as error:
            raise CallRejected(error.message, error.code) from error
        except TwilioUnavailable as error:  # a 5xx or a timeout may hide an accepted text: ask first
            raise CallFailed(str(error), maybe_accepted=True) from error

    async def find(self, row: Any) -> Found | None:
        """Our earlier attempt at Twilio, by the attempt's time window in this text's lane."""
        started: datetime = row.attempt_started_at
        window_end = started + timedelta(seconds=self.d.settings.text_sending_timeout_seconds) + CLOCK_SKEW
        try:
            sids = await asyncio.to_thread(self.d.twilio.sent_between, from_number=row.company_number, to=row.number,
                                           start=started - CLOCK_SKEW, end=window_end)
        except (TwilioRejected, TwilioUnavailable) as error:
            raise CallFailed(str(error)) from error
        if not sids:
            return None
        async with UnitOfWork(self.d.sessions) as uow:
            known = set(await uow.session.scalars(select(texts.c.twilio_sid).where(texts.c.twilio_sid.in_(sids))))
        ours = [sid for sid in sids if sid not in known]
        if len(ours) > 1:  # cannot happen while the lane holds; the oldest is closest to our attempt
            log.error("text %s: %d unrecorded Twilio messages in its attempt's window: %s", row.id, len(ours), ours)
        return Found(ours[0]) if ours else None

    async def accepted(self, uow: UnitOfWork, row: Any, sid: str | None) -> None:
        await uow.session.execute(update(texts).where(texts.c.id == row.id).values(
            next_attempt_at=func.now() + self.d.reconcile_after))  # when to ask Twilio if no callback came
        if row.delivery_id is None:
            return
        waiting = await uow.session.scalar(select(func.count()).select_from(texts).where(
            texts.c.delivery_id == row.delivery_id, texts.c.twilio_sid.is_(None)))
        if waiting == 0:  # every part of this delivery is with Twilio now
            parts = (await uow.session.execute(select(func.count()).select_from(texts).where(
                texts.c.delivery_id == row.delivery_id))).scalar_one()
            await uow.publish(TextSent(delivery_id=row.delivery_id, recipient_id=row.person_id, messages=parts),
                              company_id=row.company_id)

    async def failed(self, uow: UnitOfWork, row: Any, reason: str, code: int | None) -> None:
        unsent = texts.c.status.in_(("pending", "sending"))
        parts = texts.c.id == row.id if row.delivery_id is None else and_(
            texts.c.delivery_id == row.delivery_id, or_(texts.c.id == row.id, unsent))
        await uow.session.execute(update(texts).where(parts).values(
            status="failed", error_code=code, error=reason, next_attempt_at=None, updated_at=func.now()))
        await uow.publish(TextFailed(delivery_id=row.delivery_id, recipient_id=row.person_id,
                                     error_code=code, reason=reason), company_id=row.company_id)
        if code == OPTED_OUT:
            await repository.set_opted_out(uow.session, row.company_id, row.number, True)
            await uow.publish(OptOutChanged(number=row.number, opted_out=True, keyword="STOP"),
                              company_id=row.company_id)

