"""Sends queued texts through Twilio after they are stored, and records what Twilio answered.

A text is claimed (`FOR UPDATE SKIP LOCKED`: replicas share the work) and marked `sending` in a
committed transaction before the call. A crash between the call and the record leaves it `sending`:
after a timeout it is claimed again and Twilio is first asked whether it already took that text
(same sender, recipient and body since the claim), so it is not sent twice. A refusal is recorded
with Twilio's code; 21610 (the number replied STOP) also records the opt-out (R-TEXT-12).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from petcare_contracts.events.texting import OptOutChanged, TextFailed, TextSent
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from texting.adapters import repository
from texting.adapters.tables import texts
from texting.adapters.twilio_gateway import OPTED_OUT, TwilioGateway, TwilioRejected, TwilioUnavailable
from texting.config import TextingSettings

log = logging.getLogger(__name__)
BATCH = 20


class TextDispatcher:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], twilio: TwilioGateway,
                 settings: TextingSettings) -> None:
        self.sessions, self.twilio, self.settings = sessions, twilio, settings

    async def run_forever(self) -> None:
        while True:
            try:
                if await self.dispatch_due() >= BATCH:
                    continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("text dispatch failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.sleep(self.settings.text_poll_interval_seconds)

    async def dispatch_due(self) -> int:
        claimed = await self._claim()
        for row in claimed:
            await self._send(row)
        return len(claimed)

    async def _claim(self) -> list[Any]:
        async with UnitOfWork(self.sessions) as uow:
            rows = (await uow.session.execute(
                select(texts).where(texts.c.status.in_(("pending", "sending")), texts.c.next_attempt_at <= func.now())
                .order_by(texts.c.next_attempt_at, texts.c.part).limit(BATCH).with_for_update(skip_locked=True))).all()
            if rows:
                timeout = timedelta(seconds=self.settings.text_sending_timeout_seconds)
                await uow.session.execute(update(texts).where(texts.c.id.in_([r.id for r in rows])).values(
                    status="sending", next_attempt_at=func.now() + timeout, updated_at=func.now()))
            await uow.commit()
        return rows

    async def _send(self, row: Any) -> None:
        callback = f"{self.settings.webhook_base_url.rstrip('/')}/webhooks/twilio/status"
        try:
            sid = None
            if row.status == "sending":  # claimed before and never recorded: did Twilio take it?
                sid = await asyncio.to_thread(self.twilio.find_sent, from_number=row.company_number, to=row.number,
                                              body=row.body, since=row.updated_at - timedelta(minutes=1))
            sid = sid or await asyncio.to_thread(self.twilio.send, from_number=row.company_number, to=row.number,
                                                 body=row.body, media_urls=list(row.media_urls),
                                                 status_callback=callback)
        except TwilioRejected as error:
            await self._refused(row, error)
        except TwilioUnavailable as error:
            log.warning("Twilio unavailable for text %s, retrying: %s", row.id, error)
            await self._update(row.id, status="sending", error=str(error),
                               next_attempt_at=datetime.now(UTC) + timedelta(seconds=5))
        else:
            await self._accepted(row, sid)

    async def _accepted(self, row: Any, sid: str) -> None:
        async with UnitOfWork(self.sessions) as uow:
            await uow.session.execute(update(texts).where(texts.c.id == row.id).values(
                status="queued", twilio_sid=sid, next_attempt_at=None, error=None, updated_at=func.now()))
            waiting = await uow.session.scalar(select(func.count()).select_from(texts).where(
                texts.c.delivery_id == row.delivery_id, texts.c.twilio_sid.is_(None)))
            if waiting == 0:  # every part of this delivery is with Twilio now
                parts = await uow.session.scalar(select(func.count()).select_from(texts).where(
                    texts.c.delivery_id == row.delivery_id))
                await uow.publish(TextSent(delivery_id=row.delivery_id, recipient_id=row.person_id, messages=parts),
                                  company_id=row.company_id)
            await uow.commit()

    async def _refused(self, row: Any, error: TwilioRejected) -> None:
        async with UnitOfWork(self.sessions) as uow:
            await uow.session.execute(update(texts).where(texts.c.delivery_id == row.delivery_id,
                                                          texts.c.status.in_(("pending", "sending"))).values(
                status="failed", error_code=error.code, error=error.message, next_attempt_at=None,
                updated_at=func.now()))
            await uow.publish(TextFailed(delivery_id=row.delivery_id, recipient_id=row.person_id,
                                         error_code=error.code, reason=error.message), company_id=row.company_id)
            if error.code == OPTED_OUT:
                await repository.set_opted_out(uow.session, row.company_id, row.number, True)
                await uow.publish(OptOutChanged(number=row.number, opted_out=True, keyword="STOP"),
                                  company_id=row.company_id)
            await uow.commit()

    async def _update(self, text_id: Any, **values: Any) -> None:
        async with UnitOfWork(self.sessions) as uow:
            await uow.session.execute(
                update(texts).where(texts.c.id == text_id).values(**values, updated_at=func.now()))
            await uow.commit()
