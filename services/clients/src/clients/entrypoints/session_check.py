"""The gateway's session check, answered in front of the app stack (R-INACT-2).

The gateway calls `GET /internal/sessions/{person_id}?version={sv}` before every authenticated
request it forwards, so this one route runs as often as all the others together. Through the
whole stack (request-context and idempotency middleware, routing over every route, dependency
solving, response model) it cost as much as the `GET /me` it guards. This ASGI middleware, the
outermost of the app, answers the well-formed case itself: a GET on that path with a plain
`version=<n>` query, signed by the gateway (role internal). It reads the session's state
(one round trip: adapters/session_state.py), runs the same use case as the route and answers
`{"active":true}` or the error shape (401 `session_revoked`, 503 when the database cannot
answer), with `X-Request-Id` and the usual request metrics.

Anything else (a malformed id or version, a missing or bad signature, another role) goes on to
the documented route in entrypoints/api/auth.py, which answers it in the usual way (422/401/403).
"""

from __future__ import annotations

import logging
import time
import uuid
from uuid import UUID

from petcare_kit import metrics
from petcare_kit.errors import DomainError
from petcare_kit.http import REQUEST_ID_HEADER, as_domain_error, domain_error_response
from petcare_kit.identity import IDENTITY_HEADER, SIGNATURE_HEADER, Role, verify_identity
from starlette.types import ASGIApp, Receive, Scope, Send

from clients.adapters.session_state import SessionStates
from clients.service_layer import sessions

log = logging.getLogger(__name__)

PATH_PREFIX = "/internal/sessions/"
ROUTE = "/internal/sessions/{person_id}"
"""The route's template, the label its requests are counted under (as the kit's middleware does)."""
_VERSION_QUERY = b"version="
_ACTIVE = b'{"active":true}'
_WANTED_HEADERS = {IDENTITY_HEADER.encode(), SIGNATURE_HEADER.encode(), REQUEST_ID_HEADER.encode()}


class SessionCheckFastPath:
    """ASGI middleware: `app.add_middleware(SessionCheckFastPath, states=..., secret=...)` after
    every other one, so it runs first. `secret`: INTERNAL_AUTH_SECRET (the gateway's signature)."""

    def __init__(self, app: ASGIApp, *, states: SessionStates, secret: str) -> None:
        self.app, self.states, self.secret = app, states, secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(PATH_PREFIX):
            await self.app(scope, receive, send)
            return
        check = self._well_formed(scope)
        if check is None:  # the route answers it, in the usual way
            await self.app(scope, receive, send)
            return
        person_id, version, request_id = check
        started = time.perf_counter()
        try:
            await sessions.check_session(self.states, person_id, version)
        except Exception as error:  # a refusal, or the database unable to answer: the one error shape
            response = domain_error_response(_domain_error(error))
            response.headers[REQUEST_ID_HEADER] = request_id
            await response(scope, receive, send)
            status = response.status_code
        else:
            status = 200
            await send({"type": "http.response.start", "status": 200, "headers": [
                (b"content-type", b"application/json"), (b"content-length", b"%d" % len(_ACTIVE)),
                (REQUEST_ID_HEADER.encode(), request_id.encode())]})
            await send({"type": "http.response.body", "body": _ACTIVE})
        metrics.HTTP_REQUESTS.labels("GET", ROUTE, status).inc()
        metrics.HTTP_LATENCY.labels("GET", ROUTE).observe(time.perf_counter() - started)

    def _well_formed(self, scope: Scope) -> tuple[UUID, int, str] | None:
        """(person id, version, request id) of a well-formed call signed by the gateway, else None."""
        query: bytes = scope.get("query_string", b"")
        if not query.startswith(_VERSION_QUERY) or not query[len(_VERSION_QUERY):].isdigit():
            return None
        try:
            person_id = UUID(scope["path"][len(PATH_PREFIX):])
        except ValueError:
            return None
        headers = {name.decode("latin-1"): value.decode("latin-1")
                   for name, value in scope["headers"] if name in _WANTED_HEADERS}
        try:
            identity = verify_identity(headers, secret=self.secret, method="GET", path=scope["path"])
        except (DomainError, ValueError, UnicodeDecodeError):
            return None
        if identity.role != Role.INTERNAL:
            return None
        request_id = headers.get(REQUEST_ID_HEADER) or str(uuid.uuid4())
        return person_id, int(query[len(_VERSION_QUERY):]), request_id


class _InternalError(DomainError):
    status, code = 500, "internal_error"


def _domain_error(error: Exception) -> DomainError:
    if isinstance(error, DomainError):
        return error
    mapped = as_domain_error(error)
    if mapped is None:
        log.exception("session check failed", exc_info=error)
        return _InternalError("Something went wrong on our side; nothing was changed. Try again.")
    log.warning("session check failed: %s (%s)", mapped.code, type(error).__name__)
    return mapped

