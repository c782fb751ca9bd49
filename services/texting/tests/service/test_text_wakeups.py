"""The text dispatcher is woken by the commit that queues a text (a NOTIFY from the trigger of
migration 0008), not by its next poll: a text reaches Twilio within a couple of seconds even when
the poll is an hour away (issue 14, end to end; notifications' emails are woken the same way)."""

from __future__ import annotations

import asyncio
import time

import pytest
from texting.service_layer.text_dispatcher import TextDispatcher

from .test_texting import CLIENT_MOBILE, approve_registration, command, sent_to

pytestmark = pytest.mark.asyncio(loop_scope="session")
LONG_POLL = 3600.0
WAKE_SECONDS = 30.0
"""Generous for a loaded machine (it was 3 s), and still far below LONG_POLL: only the wake-up fits in it."""


async def test_a_queued_text_is_sent_at_the_commit_not_at_the_next_poll(service, company):
    await approve_registration(service, company)
    settings = service.settings.model_copy(update={"text_poll_interval_seconds": LONG_POLL})
    dispatcher = TextDispatcher(service.runtime.sessions, service.app.state.twilio, settings)
    job = dispatcher.queue.job(interval_seconds=LONG_POLL)
    listener = dispatcher.queue.listener(job)
    tasks = [asyncio.create_task(listener.run_forever()), asyncio.create_task(job.run_forever())]
    started = time.monotonic()
    try:
        await asyncio.wait_for(listener.listening.wait(), WAKE_SECONDS)
        while job.runs < 2:  # its first run, and the one on listening, are over: it waits an hour now
            assert time.monotonic() - started < WAKE_SECONDS, "the dispatcher's first runs never ended"
            await asyncio.sleep(0.02)
        queued_at = time.monotonic()
        await service.feed(command(company, body="woken, not polled"), company.id)
        while "woken, not polled" not in [m["body"] for m in await sent_to(service, CLIENT_MOBILE)]:
            assert time.monotonic() - queued_at < WAKE_SECONDS, "the text waited for the poll"
            await asyncio.sleep(0.05)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
