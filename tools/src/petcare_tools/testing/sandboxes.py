"""Provider sandboxes for tests: served in the background once per session, reset per service.

Fixtures (enabled with the rest of the plugin in petcare_tools.testing.fixtures):
- `sendgrid_sandbox`: the SendGrid sandbox's base URL (`http://127.0.0.1:PORT`), session-wide.
- `twilio_sandbox`: the Twilio sandbox's base URL, session-wide.
- `stripe_sandbox`: localstripe's base URL (its own process, 127.0.0.1, memory only), session-wide;
  `run_stripe_sandbox()` starts another one (each instance has its own state).
- `receiver`: a `WebhookReceiver` served in the background (`receiver.base_url` set), catching the
  webhooks a sandbox posts, so a test can hand them to an in-process service (`WebhookForwarder`).

A service fixture calls `await reset_sandbox(url)` so that each test starts with an empty sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import httpx
import pytest

from petcare_tools.embedded.ports import LOCALHOST, free_port
from petcare_tools.sandboxes.background import serve_in_background
from petcare_tools.sandboxes.sendgrid import create_app as create_sendgrid_sandbox
from petcare_tools.sandboxes.twilio import create_app as create_twilio_sandbox
from petcare_tools.sandboxes.webhook_receiver import WebhookReceiver


@pytest.fixture(scope="session")
def sendgrid_sandbox() -> Iterator[str]:
    """The SendGrid sandbox (its settings from the environment), served for the whole session."""
    with _serve(create_sendgrid_sandbox()) as url:
        yield url


@pytest.fixture(scope="session")
def twilio_sandbox() -> Iterator[str]:
    """The Twilio sandbox (its settings from the environment), served for the whole session."""
    with _serve(create_twilio_sandbox()) as url:
        yield url


@pytest.fixture(scope="session")
def stripe_sandbox() -> Iterator[str]:
    """localstripe, served by its own process for the whole session (point STRIPE_API_BASE at it)."""
    with run_stripe_sandbox() as url:
        yield url


@contextlib.contextmanager
def run_stripe_sandbox(timeout: float = 90.0) -> Iterator[str]:
    """Start `python -m petcare_tools.sandboxes.stripe` on a free loopback port; yield its base URL
    once /health answers; terminate it (then kill) on exit. Its state lives in that process only.
    `timeout` is generous: a start-up beside two test workers' services can take many seconds."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "petcare_tools.sandboxes.stripe", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://{LOCALHOST}:{port}"
    try:
        _wait_healthy(process, f"{url}/health", timeout)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def _wait_healthy(process: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"the stripe sandbox exited ({process.returncode}): {error[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the stripe sandbox did not answer {url} within {timeout} s")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def receiver() -> Iterator[WebhookReceiver]:
    """A webhook receiver served for the whole session (`receiver.base_url` is its address)."""
    caught = WebhookReceiver()
    with _serve(caught.app) as url:
        caught.base_url = url
        yield caught


def _serve(app: Any) -> Any:
    # uvicorn's ASGI type is narrower than what FastAPI and Starlette declare; they are ASGI apps.
    return serve_in_background(cast(Any, app))


async def reset_sandbox(base_url: str) -> None:
    """Forget everything the sandbox at `base_url` holds (`POST /sandbox/reset`)."""
    async with httpx.AsyncClient(timeout=10) as http:
        (await http.post(f"{base_url}/sandbox/reset")).raise_for_status()


async def sandbox_mails(base_url: str, to: str | None = None) -> list[dict[str, Any]]:
    """The mails the SendGrid sandbox at `base_url` accepted (to one address, or all)."""
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{base_url}/sandbox/messages", params={"to": to} if to else {})
        response.raise_for_status()
        body = response.json()
        mails: list[dict[str, Any]] = body["messages"] if isinstance(body, dict) else body
        return mails


@dataclass
class WebhookForwarder:
    """Hands the webhooks a receiver caught to an in-process service, unchanged (same path under
    `public_prefix`, same form, same X-Twilio-Signature), as if the provider had called it.
    `forwarded` counts the received webhooks already handed on (or skipped)."""

    receiver: WebhookReceiver
    http: httpx.AsyncClient
    public_prefix: str
    """What the provider's URL has before the service's own path: `/api/texting`."""
    forwarded: int = 0

    async def forward(self, at_least: int = 0, timeout: float = 60.0,  # noqa: ASYNC109 (a polling wait)
                      skip: Callable[[dict[str, str]], bool] | None = None) -> list[httpx.Response]:
        """Wait until `at_least` new webhooks arrived (AssertionError after `timeout` s), then hand
        every new one on; those whose form `skip` accepts are lost on the way. The answers."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.receiver.received) - self.forwarded < at_least:
            if loop.time() > deadline:
                raise AssertionError(f"fewer than {at_least} webhooks arrived")
            await asyncio.sleep(0.05)
        answers = []
        for hook in self.receiver.received[self.forwarded:]:
            self.forwarded += 1
            if skip is not None and skip(hook.form):
                continue
            path = hook.url.split(self.public_prefix, 1)[1]
            answers.append(await self.http.post(path, data=hook.form,
                                                headers={"x-twilio-signature": hook.signature or ""}))
        return answers
