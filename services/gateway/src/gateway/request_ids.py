"""Every request gets a usable request id before anything else looks at it.

The kit's request-context middleware returns `X-Request-Id` (the caller's or a new one) but keeps
a generated one to itself; the gateway must also send it to the service it calls, so this runs
first and writes the id into the request. Ids a caller sends are kept when they are plausible
(a frontend may correlate its own logs) and replaced when they are not (huge, odd characters),
since they end up in every service's logs.
"""

from __future__ import annotations

import re
from uuid import uuid4

from petcare_kit.http import CORRELATION_ID_HEADER, REQUEST_ID_HEADER
from starlette.types import ASGIApp, Receive, Scope, Send

_PLAUSIBLE_ID = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")
_REQUEST_ID, _CORRELATION_ID = REQUEST_ID_HEADER.encode(), CORRELATION_ID_HEADER.encode()


class AssignRequestId:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = dict(scope)
            scope["headers"] = with_request_id(scope.get("headers", []))
        await self.app(scope, receive, send)


def with_request_id(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Headers with exactly one plausible request id, and a correlation id only if plausible."""
    request_ids = [value for name, value in headers if name.lower() == _REQUEST_ID]
    request_id = request_ids[0] if request_ids and _PLAUSIBLE_ID.match(request_ids[0]) else None
    kept = [
        (name, value) for name, value in headers
        if name.lower() != _REQUEST_ID
        and not (name.lower() == _CORRELATION_ID and not _PLAUSIBLE_ID.match(value))
    ]
    return [*kept, (_REQUEST_ID, request_id or str(uuid4()).encode())]
