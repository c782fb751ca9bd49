"""The text dispatcher is woken by the commit that queues a text (a NOTIFY from the trigger of
migration 0008), not by its next poll: a text reaches Twilio within a couple of seconds even when
the poll is 30 s away (issue 14, end to end; notifications' emails are woken the same way)."""

from __future__ import annotations

import asyncio
import time

import pytest
from texting.service_layer.text_dispatcher import TextDispatcher

from .test_texting import CLIENT_MOBILE, approve_registration, command, sent_to

pytestmark = pytest.mark.asyncio(loop_scope="session")
LONG_POLL = 30.0


async def test_a_queued_text_is_sent_at_the_commit_not_at_the_next_poll(service, company):
    await approve_registration(service, company)
    settings = service.settings.model_copy(update={"text_poll_interval_seconds": LONG_POLL})
    dispatcher = TextDispatcher(service.runtime.sessions, service.app.state.twilio, settings)
    job = dispatcher.queue.job(interval_seconds=LONG_POLL)
    listener = dispatcher.queue.listener(job)
    tasks = [asyncio.create_task(listener.run_forever()), asyncio.create_task(job.run_forever())]
    try:
        await asyncio.wait_for(listener.listening.wait(), 10)
        await asyncio.sleep(1.0)  # its first run, and the one on listening, are over: it waits 30 s now
        queued_at = time.monotonic()
        await service.feed(command(company, body="woken, not polled"), company.id)
        while "woken, not polled" not in [m["body"] for m in await sent_to(service, CLIENT_MOBILE)]:
            assert time.monotonic() - queued_at < 3.0, "the text waited for the poll"
            await asyncio.sleep(0.05)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
