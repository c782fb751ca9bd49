"""A stopping service always ends: a shutdown step that hangs (a consumer whose broker never answers
its leave, a background loop that ignores cancellation) is cut after its bound and the rest of the
shutdown still runs. No broker or database: nothing is started, only stopped."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from petcare_kit import runtime as runtime_module
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.settings import ServiceSettings

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_hanging_consumer_stop_and_a_stubborn_loop_are_cut_and_the_rest_still_stops(monkeypatch, caplog):
    monkeypatch.setattr(runtime_module, "STOP_STEP_SECONDS", 0.2)
    monkeypatch.setattr(runtime_module, "CONSUMER_GRACE_SECONDS", 0.1)
    runtime = ServiceRuntime(ServiceSettings(service_name="demo",
                                             database_url="postgresql+asyncpg://u:p@127.0.0.1:1/demo"))
    stopped: list[str] = []

    async def never_answers() -> None:
        await asyncio.Event().wait()

    async def stubborn() -> None:  # swallows its first cancellation, as a careless loop would
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            await asyncio.Event().wait()

    async def close() -> None:
        stopped.append("broker watch")

    monkeypatch.setattr(runtime.broker, "stop", never_answers)
    monkeypatch.setattr(runtime.broker_watch, "close", close)
    loop = asyncio.create_task(stubborn(), name="email-dispatcher")
    runtime._background_tasks.append(loop)
    await asyncio.sleep(0)

    began = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="petcare_kit.runtime"):
        await runtime.stop()
    assert time.monotonic() - began < 30  # bounded (a hang is forever); generous for a loaded machine
    assert stopped == ["broker watch"]  # the steps after the cut ones still ran
    assert "the consumers did not finish" in caplog.text and "email-dispatcher did not finish" in caplog.text
    loop.cancel()
