"""The request context of the kit (`petcare_kit.http.install_request_context`), as plain ASGI.

The same work: the correlation id set for the request's logs, the request counted and timed
(`http_requests_total`, `http_request_duration_seconds` by route template) and `X-Request-Id` on
the answer. The kit's is a Starlette `BaseHTTPMiddleware`, which runs the rest of the app in a task
group and streams the answer through memory channels: about a tenth of the gateway's CPU per
forwarded request, for every request (docs/performance.md). `AssignRequestId` runs first, so the
request always carries a plausible id here.
"""

from __future__ import annotations

import time
from uuid import uuid4

from petcare_kit import metrics
from petcare_kit.context import correlation_id_var
from petcare_kit.http import CORRELATION_ID_HEADER, REQUEST_ID_HEADER
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_REQUEST_ID, _CORRELATION_ID = REQUEST_ID_HEADER.encode(), CORRELATION_ID_HEADER.encode()


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = correlation_id = b""
        for name, value in scope["headers"]:
            if name == _REQUEST_ID:
                request_id = value
            elif name == _CORRELATION_ID:
                correlation_id = value
        request_id = request_id or str(uuid4()).encode()
        token = correlation_id_var.set((correlation_id or request_id).decode("latin-1"))
        status = 500  # what the caller gets if the app fails before answering
        started = time.perf_counter()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(name, value) for name, value in message.get("headers", ()) if name.lower() != _REQUEST_ID]
                message = {**message, "headers": [*headers, (_REQUEST_ID, request_id)]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            correlation_id_var.reset(token)
            route = getattr(scope.get("route"), "path", "unmatched")
            metrics.HTTP_REQUESTS.labels(scope["method"], route, status).inc()
            metrics.HTTP_LATENCY.labels(scope["method"], route).observe(time.perf_counter() - started)
