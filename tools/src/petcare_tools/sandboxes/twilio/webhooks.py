"""The webhooks Twilio makes: status callbacks of sent messages, and inbound messages.

Each is form-encoded and signed with the account's auth token (`X-Twilio-Signature`), and recorded
with every attempt on its message, so the phone log and the tests see what was called and what
answered. A failing or unreachable receiver is recorded, never raised: the sandbox keeps serving.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from ..signing import SIGNATURE_HEADER, compute_signature
from .config import TwilioSandboxConfig
from .state import FailureRule, Message, SandboxState, WebhookAttempt, WebhookCall, now


class WebhookSender:
    def __init__(self, config: TwilioSandboxConfig, state: SandboxState) -> None:
        self.config = config
        self.state = state
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def prepare(
        self, message: Message, event: str, url: str, params: dict[str, str], method: str = "POST"
    ) -> WebhookCall:
        """A signed webhook about `message`, recorded on it before it is made."""
        if method.upper() == "GET":
            url = f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"
            params = {}
        token = self.state.signing_token(message.account_sid, self.config.default_auth_token)
        call = WebhookCall(event, url, params, compute_signature(token, url, params), method.upper())
        with self.state.lock:
            message.webhooks.append(call)
        return call

    async def attempt(self, call: WebhookCall) -> WebhookAttempt:
        """Make the call once; the outcome is recorded on the call and returned."""
        if self._client is None:
            # trust_env=False: a proxy from the environment must not intercept calls to local services.
            self._client = httpx.AsyncClient(timeout=self.config.webhook_timeout_seconds, trust_env=False)
        headers = {SIGNATURE_HEADER: call.signature, "User-Agent": "TwilioProxy/1.1 (petcare sandbox)"}
        try:
            response = await self._client.request(
                call.method, call.url, data=call.params or None, headers=headers
            )
            outcome = WebhookAttempt(now(), response.status_code, response_body=response.text[:2000])
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            outcome = WebhookAttempt(now(), None, error=f"{type(error).__name__}: {error}")
        with self.state.lock:
            call.attempts.append(outcome)
        return outcome

    async def deliver_with_retries(self, call: WebhookCall) -> None:
        """Status callbacks are retried with doubling pauses until one answers 2xx."""
        pause = self.config.callback_backoff_seconds
        for attempt_number in range(self.config.callback_retries + 1):
            if attempt_number:
                await asyncio.sleep(pause)
                pause *= 2
            outcome = await self.attempt(call)
            if outcome.status_code is not None and 200 <= outcome.status_code < 300:
                return

    def follow_delivery(self, message: Message, failure: FailureRule | None) -> None:
        """In the background: move the message through its statuses, calling back at each one."""
        self._spawn(self._deliver(message, failure))

    async def _deliver(self, message: Message, failure: FailureRule | None) -> None:
        if failure is None:
            steps: list[tuple[str, int | None]] = [("sent", None), ("delivered", None)]
        else:
            final = (failure.outcome, failure.error_code)
            steps = [("sent", None), final] if failure.outcome == "undelivered" else [final]
        for status, error_code in steps:
            await asyncio.sleep(self.config.callback_delay_seconds)
            with self.state.lock:
                message.move_to(status, error_code)
            if message.status_callback:
                call = self.prepare(
                    message, f"status:{status}", message.status_callback, status_params(message)
                )
                await self.deliver_with_retries(call)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def cancel_pending(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def close(self) -> None:
        self.cancel_pending()
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def status_params(message: Message) -> dict[str, str]:
    """The form Twilio posts to a StatusCallback."""
    params = {
        "AccountSid": message.account_sid,
        "ApiVersion": "2010-04-01",
        "From": message.from_,
        "MessageSid": message.sid,
        "MessageStatus": message.status,
        "SmsSid": message.sid,
        "SmsStatus": message.status,
        "To": message.to,
    }
    if message.messaging_service_sid:
        params["MessagingServiceSid"] = message.messaging_service_sid
    if message.error_code is not None:
        params["ErrorCode"] = str(message.error_code)
    return params


def inbound_params(message: Message, media_types: list[str]) -> dict[str, str]:
    """The form Twilio posts to a number's SmsUrl when a text arrives."""
    params = {
        "AccountSid": message.account_sid,
        "ApiVersion": "2010-04-01",
        "Body": message.body,
        "From": message.from_,
        "MessageSid": message.sid,
        "NumMedia": str(len(message.media_urls)),
        "NumSegments": str(message.num_segments),
        "SmsMessageSid": message.sid,
        "SmsSid": message.sid,
        "SmsStatus": "received",
        "To": message.to,
    }
    if message.messaging_service_sid:
        params["MessagingServiceSid"] = message.messaging_service_sid
    for index, (url, content_type) in enumerate(zip(message.media_urls, media_types, strict=True)):
        params[f"MediaUrl{index}"] = url
        params[f"MediaContentType{index}"] = content_type
    return params
