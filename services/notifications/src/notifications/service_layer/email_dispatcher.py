"""Sends the emails that decisions queued, after the decision is stored, exactly once.

Each pending email is claimed (`FOR UPDATE SKIP LOCKED`, so replicas share the work) and marked
`sending` in a committed transaction before the provider is called, then `sent` or back to `pending`
with backoff, or `failed` for good; the outcome is published (`notifications.email.sent/failed`).
A crash between the claim and the record leaves the row `sending`: after a timeout it is claimed
again and the provider is first asked whether it already accepted that delivery id (SendGrid's
Email Activity API; the sandbox implements it), so the email is not sent twice. Without that API
the recovery is at least once, and the log says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from uuid import UUID

from petcare_contracts.events.notifications import EmailFailed, EmailSent
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.adapters.sendgrid_sender import (
    ActivityUnavailable,
    EmailRejected,
    EmailTemporarilyFailed,
    SendGridEmailSender,
)
from notifications.adapters.tables import deliveries
from notifications.config import NotificationsSettings
from notifications.domain.emails import OutgoingEmail

log = logging.getLogger(__name__)
BATCH = 20


class EmailDispatcher:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], sender: SendGridEmailSender,
                 settings: NotificationsSettings) -> None:
        self.sessions, self.sender, self.settings = sessions, sender, settings
        self.wake = asyncio.Event()

    async def run_forever(self) -> None:
        while True:
            try:
                if await self.dispatch_due() >= BATCH:
                    continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("email dispatch failed; retrying")
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.settings.email_poll_interval_seconds)

    async def dispatch_due(self) -> int:
        claimed = await self._claim()
        for delivery_id, email, recovering in claimed:
            await self._send_one(delivery_id, email, recovering)
        return len(claimed)

    async def _claim(self) -> list[tuple[UUID, dict, bool]]:
        async with UnitOfWork(self.sessions) as uow:
            rows = (await uow.session.execute(
                select(deliveries.c.id, deliveries.c.email, deliveries.c.email_state)
                .where(deliveries.c.email_state.in_(("pending", "sending")),
                       deliveries.c.email_next_attempt_at <= func.now())
                .order_by(deliveries.c.email_next_attempt_at).limit(BATCH)
                .with_for_update(skip_locked=True))).all()
            if rows:
                timeout = timedelta(seconds=self.settings.email_sending_timeout_seconds)
                await uow.session.execute(
                    update(deliveries).where(deliveries.c.id.in_([r.id for r in rows])).values(
                        email_state="sending", email_attempts=deliveries.c.email_attempts + 1,
                        email_next_attempt_at=func.now() + timeout, updated_at=func.now()))
            await uow.commit()
        return [(row.id, row.email, row.email_state == "sending") for row in rows]

    async def _send_one(self, delivery_id: UUID, email: dict, recovering: bool) -> None:
        if recovering:
            try:
                provider_id = await asyncio.to_thread(self.sender.find_sent, delivery_id)
            except ActivityUnavailable:
                log.warning("cannot ask the provider about %s: sending again (at least once)", delivery_id)
                provider_id = None
            if provider_id:
                await self._record(delivery_id, "sent", provider_id=provider_id)
                return
        outgoing = OutgoingEmail(delivery_id=delivery_id, to_email=email["to"], to_name=email["to_name"],
                                 subject=email["subject"], text=email["text"], html=email["html"],
                                 from_name=email["from_name"], reply_to=email.get("reply_to"),
                                 categories=(email.get("category") or "notification",))
        try:
            provider_id = await asyncio.to_thread(self.sender.send, outgoing)
        except EmailRejected as error:
            await self._record(delivery_id, "failed", error=str(error))
        except EmailTemporarilyFailed as error:
            # A timeout or a 5xx may hide an accepted email: then the retry first asks the provider.
            await self._retry_later(delivery_id, str(error), check_first=error.maybe_accepted)
        except (OSError, TimeoutError) as error:
            await self._retry_later(delivery_id, str(error), check_first=True)
        else:
            await self._record(delivery_id, "sent", provider_id=provider_id)

    async def _retry_later(self, delivery_id: UUID, error: str, *, check_first: bool) -> None:
        async with UnitOfWork(self.sessions) as uow:
            attempts = await uow.session.scalar(
                select(deliveries.c.email_attempts).where(deliveries.c.id == delivery_id))
            if attempts is not None and attempts >= self.settings.email_max_attempts:
                await uow.rollback()
                await self._record(delivery_id, "failed", error=f"gave up after {attempts} attempts: {error}")
                return
            backoff = timedelta(seconds=min(2 ** (attempts or 1), 300))
            await uow.session.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(
                email_state="sending" if check_first else "pending", email_error=error,
                email_next_attempt_at=func.now() + backoff,
                updated_at=func.now()))
            await uow.commit()

    async def _record(self, delivery_id: UUID, state: str, *, provider_id: str | None = None,
                      error: str | None = None) -> None:
        async with UnitOfWork(self.sessions) as uow:
            row = (await uow.session.execute(
                update(deliveries).where(deliveries.c.id == delivery_id).values(
                    email_state=state, email_provider_id=provider_id, email_error=error,
                    email_next_attempt_at=None, updated_at=func.now())
                .returning(deliveries.c.company_id, deliveries.c.recipient_id))).one()
            event = (EmailSent(delivery_id=delivery_id, recipient_id=row.recipient_id, provider_message_id=provider_id)
                     if state == "sent" else
                     EmailFailed(delivery_id=delivery_id, recipient_id=row.recipient_id, reason=error or "failed"))
            await uow.publish(event, company_id=row.company_id)
            await uow.commit()
