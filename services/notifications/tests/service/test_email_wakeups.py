"""The email dispatcher is woken by the commit that queues an email (a NOTIFY from the trigger of
migration 0007), not by its next poll: an email reaches SendGrid within a couple of seconds even
when the poll is an hour away (issue 14: emails reached SendGrid later than texts reached Twilio)."""

from __future__ import annotations

import asyncio
import time

import pytest
from notifications.adapters.sendgrid_sender import SendGridEmailSender
from notifications.service_layer.email_dispatcher import EmailDispatcher
from suite.email_rules import EVENTS

pytestmark = pytest.mark.asyncio(loop_scope="session")
LONG_POLL = 3600.0
WAKE_SECONDS = 30.0
"""Generous for a loaded machine (it was 3 s), and still far below LONG_POLL: only the wake-up fits in it."""


async def test_a_queued_email_is_sent_at_the_commit_not_at_the_next_poll(service, company):
    settings = service.settings.model_copy(update={"email_poll_interval_seconds": LONG_POLL})
    sender = SendGridEmailSender(settings.sendgrid_api_key, settings.sendgrid_host, settings.from_email)
    dispatcher = EmailDispatcher(service.runtime.sessions, sender, settings)
    listener = dispatcher.queue.listener(dispatcher.job)
    tasks = [asyncio.create_task(listener.run_forever()), asyncio.create_task(dispatcher.job.run_forever())]
    started = time.monotonic()
    try:
        await asyncio.wait_for(listener.listening.wait(), WAKE_SECONDS)
        while dispatcher.job.runs < 2:  # its first run, and the one on listening, are over: it waits an hour now
            assert time.monotonic() - started < WAKE_SECONDS, "the dispatcher's first runs never ended"
            await asyncio.sleep(0.02)
        before = len(await service.mailbox(to="ada@example.com"))
        queued_at = time.monotonic()
        envelope = await service.feed(EVENTS["R-EMAIL-8 portal instructions"][1](company), company.id)
        while await email_state(service, envelope.id) != "sent":
            assert time.monotonic() - queued_at < WAKE_SECONDS, "the email waited for the poll"
            await asyncio.sleep(0.05)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    assert len(await service.mailbox(to="ada@example.com")) == before + 1


async def email_state(service, source_id) -> str | None:
    rows = await service.sql("SELECT email_state FROM deliveries WHERE source_id = :s", s=source_id)
    return rows[0].email_state if rows else None
