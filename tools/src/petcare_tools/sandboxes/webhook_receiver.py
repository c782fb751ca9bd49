"""A stand-in for a service's webhook endpoint, for tests of what the Twilio sandbox calls back.

It records every request (the full URL as received, the signature header, the form) and answers
200, or the statuses it was told to answer first, so a test can check signatures, order and retries:

    receiver = WebhookReceiver()
    with serve_in_background(receiver.app) as base_url:
        receiver.base_url = base_url
        ...  # send with status_callback=receiver.url("/status")
        sent, delivered = receiver.wait_for(2, "/status")
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .signing import SIGNATURE_HEADER

DEFAULT_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class ReceivedWebhook:
    url: str
    """The full URL as the receiver saw it: what a signature validator must be given."""
    method: str
    signature: str | None
    form: dict[str, str]


class WebhookReceiver:
    def __init__(self) -> None:
        self.base_url = ""
        self.received: list[ReceivedWebhook] = []
        self._planned_statuses: dict[str, list[int]] = {}
        self._changed = threading.Condition()
        self.app = Starlette(routes=[Route("/{path:path}", self._record, methods=["GET", "POST"])])

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def answer_first(self, path: str, statuses: list[int]) -> None:
        """Answer these statuses, in order, to the next requests to `path`; 200 afterwards."""
        with self._changed:
            self._planned_statuses[path] = list(statuses)

    def wait_for(
        self, count: int, path: str | None = None, timeout: float = DEFAULT_WAIT_SECONDS
    ) -> list[ReceivedWebhook]:
        """The first `count` requests (to `path`), waiting for them; fails if they do not come."""

        def matching() -> list[ReceivedWebhook]:
            return [r for r in self.received if path is None or r.url.split("?")[0].endswith(path)]

        with self._changed:
            self._changed.wait_for(lambda: len(matching()) >= count, timeout=timeout)
            found = matching()
        if len(found) < count:
            raise AssertionError(f"expected {count} webhook requests to {path or 'any path'}, got {found}")
        return found[:count]

    def clear(self) -> None:
        with self._changed:
            self.received.clear()
            self._planned_statuses.clear()

    async def _record(self, request: Request) -> Response:
        form = await request.form()
        signature = request.headers.get(SIGNATURE_HEADER)
        with self._changed:
            fields = {name: value for name, value in form.items() if isinstance(value, str)}  # webhooks send no files
            self.received.append(ReceivedWebhook(str(request.url), request.method, signature, fields))
            self._changed.notify_all()
            planned = self._planned_statuses.get(request.url.path) or []
            status = planned.pop(0) if planned else 200
        return Response("<Response></Response>", status_code=status, media_type="text/xml")
