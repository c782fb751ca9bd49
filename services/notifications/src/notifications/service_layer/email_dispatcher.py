"""Sends the emails that decisions queued, after the decision is stored, exactly once.

The kit's provider call queue (`petcare_kit.provider_calls`) does the claiming, the attempt record,
the retries with backoff and the final failure; this module says what a call is for SendGrid and what
else an outcome records (`notifications.email.sent` / `notifications.email.failed`).

The delivery id is the idempotency key: it travels with the email as a SendGrid custom arg, which
SendGrid keeps and shows in Email Activity. A crash after the call (or a timeout or 5xx that may hide
an accepted email) leaves the delivery claimed with an attempt; before sending again the queue asks
SendGrid for an email carrying that delivery id, so the email is not sent twice. Without Email
Activity access the recovery is at least once, and the log says so.

Woken, not only polled: a trigger on `deliveries` (migration 0007) sends a NOTIFY on the queue's
channel when an email becomes due now, at the commit of the decision that queued it, and the queue
listens for it (`ProviderCallQueue.run_forever`); the poll stays as the fallback.
"""

from __future__ import annotations

import asyncio
from typing import Any

from petcare_contracts.events.notifications import EmailFailed, EmailSent
from petcare_kit import tracing
from petcare_kit.provider_calls import (
    CallFailed,
    CallPolicy,
    CallRejected,
    CallTable,
    Found,
    LookupUnavailable,
    ProviderCallQueue,
)
from petcare_kit.unit_of_work import UnitOfWork
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

BATCH = 20
EMAILS = CallTable(
    table=deliveries, state=deliveries.c.email_state, due_at=deliveries.c.email_next_attempt_at,
    attempts=deliveries.c.email_attempts, provider_id=deliveries.c.email_provider_id,
    error=deliveries.c.email_error, updated_at=deliveries.c.updated_at,
    pending="pending", claimed="sending", accepted="sent", failed="failed",
    trace_context=lambda row: tracing.trace_context_of(row.email))


class EmailDispatcher:
    """`run_forever()` sends due emails until cancelled; `dispatch_due()` sends one batch (tests)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], sender: SendGridEmailSender,
                 settings: NotificationsSettings) -> None:
        self.sessions, self.sender, self.settings = sessions, sender, settings
        policy = CallPolicy(lease_seconds=settings.email_sending_timeout_seconds,
                            max_attempts=settings.email_max_attempts, batch=BATCH)
        self.queue = ProviderCallQueue("email", sessions, EMAILS, _SendGridCalls(sender), policy)
        self.job = self.queue.job(interval_seconds=settings.email_poll_interval_seconds)

    def wake(self) -> None:
        """Send now rather than at the next poll."""
        self.job.wake()

    async def run_forever(self) -> None:
        """Send due emails until cancelled: at once when a delivery with an email commits (a NOTIFY
        from the trigger of migration 0007), else every `email_poll_interval_seconds`."""
        await self.queue.run_forever(self.job)

    async def dispatch_due(self) -> int:
        """Claim and send one batch of due emails; how many were claimed."""
        return await self.queue.run_once()


class _SendGridCalls:
    def __init__(self, sender: SendGridEmailSender) -> None:
        self.sender = sender

    async def send(self, row: Any) -> str | None:
        email = row.email
        outgoing = OutgoingEmail(delivery_id=row.id, to_email=email["to"], to_name=email["to_name"],
                                 subject=email["subject"], text=email["text"], html=email["html"],
                                 from_name=email["from_name"], reply_to=email.get("reply_to"),
                                 categories=(email.get("category") or "notification",))
        try:
            return await asyncio.to_thread(self.sender.send, outgoing)
        except EmailRejected as error:
            raise CallRejected(error.reason, error.status) from error
        except EmailTemporarilyFailed as error:
            raise CallFailed(error.reason, maybe_accepted=error.maybe_accepted) from error
        except (OSError, TimeoutError) as error:
            raise CallFailed(f"SendGrid unreachable: {error!r}", maybe_accepted=True) from error

    async def find(self, row: Any) -> Found | None:
        try:
            provider_id = await asyncio.to_thread(self.sender.find_sent, row.id)
        except ActivityUnavailable as error:
            raise LookupUnavailable(str(error)) from error
        except EmailTemporarilyFailed as error:
            raise CallFailed(error.reason) from error
        return Found(provider_id) if provider_id else None

    async def accepted(self, uow: UnitOfWork, row: Any, provider_id: str | None) -> None:
        await uow.publish(EmailSent(delivery_id=row.id, recipient_id=row.recipient_id, provider_message_id=provider_id),
                          company_id=row.company_id)

    async def failed(self, uow: UnitOfWork, row: Any, reason: str, code: int | None) -> None:
        await uow.publish(EmailFailed(delivery_id=row.id, recipient_id=row.recipient_id, reason=reason or "failed"),
                          company_id=row.company_id)
