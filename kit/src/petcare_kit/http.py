"""HTTP plumbing shared by every service: the one error shape (and its OpenAPI declaration),
request/correlation ids, metrics, and a limit on body size (an oversized body is refused before
anything reads it).

Failures that are not bugs never answer 500: input only the database could judge (a NUL, a number
or date out of range) is 422 `invalid_value`; a unique violation lost to a concurrent request is 409
`conflict`; the database gone (stopped, restarting, connection lost mid-request) is 503
`service_unavailable` with Retry-After. In each case the transaction was rolled back: nothing changed."""

from __future__ import annotations

import logging
import time
from typing import Any
from uuid import uuid4

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import RequestResponseEndpoint
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from petcare_kit import metrics
from petcare_kit.context import correlation_id_var
from petcare_kit.errors import Conflict, DomainError, InvalidInput, ServiceUnavailable, TransientError, error_body
from petcare_kit.transient import is_bad_value, is_conflict, is_transient

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-request-id"
CORRELATION_ID_HEADER = "x-correlation-id"

_STATUS_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
    422: "validation_error", 429: "rate_limited", 503: "unavailable",
}
RETRY_AFTER_SECONDS = 5
_FAILURES = (sa_exc.SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError,
             OverflowError, UnicodeEncodeError, TransientError)
"""Exception types that may be bad input or an outage rather than a bug: classified by `as_domain_error`."""


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable: branch on it (`validation_error`, `not_found`, `token_expired`).")
    message: str = Field(description="What went wrong and what to do, for a person.")
    details: Any = Field(None, description="More about the error, e.g. one entry per invalid field.")


class Error(BaseModel):
    """The one error shape of every service and the gateway."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Error, "description": text} for status, text in {
        400: "The request cannot be done as asked (`code` says why); nothing was changed.",
        401: "Not signed in, token invalid or expired (`token_expired`), or session ended (`session_revoked`).",
        403: "Signed in, but not allowed (`role_not_allowed`, or a rule of the product).",
        404: "Not found, or not yours (`not_found` or a specific code).",
        409: "Conflicts with the current state or a concurrent change (`conflict` or a specific code).",
        422: "Not valid (`validation_error`, `unstorable_text`, `invalid_value`): `details` lists each field.",
        429: "Too many requests: wait `Retry-After` seconds (`rate_limited`).",
        503: "A dependency is unavailable; nothing was changed: retry after `Retry-After` seconds "
             "(`service_unavailable`).",
    }.items()
}
"""Declared on every operation (the app factory includes routers with them), so OpenAPI documents
what can come back, in the one shape."""


def as_domain_error(error: BaseException) -> DomainError | None:
    """The user-facing error for a failure that is not a bug, or None for a bug (500)."""
    if is_bad_value(error):
        return InvalidInput("A value is out of range or cannot be stored (a date, a number or a character): "
                            "correct it and try again.", code="invalid_value")
    if is_conflict(error):
        return Conflict("This conflicts with a change made at the same time: reload and try again.")
    if is_transient(error):
        return ServiceUnavailable("The service cannot reach its database right now; nothing was changed. "
                                  "Try again shortly.", retry_after=RETRY_AFTER_SECONDS)
    return None


def domain_error_response(error: DomainError) -> JSONResponse:
    headers = {"retry-after": str(error.retry_after)} if isinstance(error, ServiceUnavailable) else None
    return JSONResponse(error_body(error.code, error.message, error.details), status_code=error.status,
                        headers=headers)


def _internal_error() -> JSONResponse:
    return JSONResponse(
        error_body("internal_error", "Something went wrong on our side; nothing was changed. Try again."),
        status_code=500,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def on_domain_error(_: Request, error: DomainError) -> JSONResponse:
        return domain_error_response(error)

    async def on_failure(_: Request, error: Exception) -> JSONResponse:
        mapped = as_domain_error(error)
        if mapped is None:
            log.exception("unhandled error", exc_info=error)
            return _internal_error()
        log.warning("request failed: %s (%s)", mapped.code, type(error).__name__,
                    exc_info=mapped.status >= 500)
        return domain_error_response(mapped)

    for failure in _FAILURES:
        app.add_exception_handler(failure, on_failure)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(part) for part in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in error.errors()
        ]
        return JSONResponse(
            error_body("validation_error", "The request is not valid: see details for each field.", details),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(error.status_code, "http_error")
        message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
        return JSONResponse(error_body(code, message), status_code=error.status_code, headers=error.headers)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        return await on_failure(request, error)  # anything not listed above: a bug unless classified


def install_request_context(app: FastAPI) -> None:
    @app.middleware("http")
    async def request_context(request: Request, call_next: RequestResponseEndpoint) -> Response:
        request_id = request.headers.get(REQUEST_ID_HEADER) or str(uuid4())
        token = correlation_id_var.set(request.headers.get(CORRELATION_ID_HEADER) or request_id)
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            correlation_id_var.reset(token)
        route = request.scope.get("route")
        route_path = getattr(route, "path", "unmatched")
        metrics.HTTP_REQUESTS.labels(request.method, route_path, response.status_code).inc()
        metrics.HTTP_LATENCY.labels(request.method, route_path).observe(time.perf_counter() - started)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response


class BodySizeLimit:
    """Refuse bodies over `max_bytes` with 413, whether Content-Length says so or the stream does."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise StarletteHTTPException(413, f"The body is larger than {self.max_bytes} bytes.")
            return message

        await self.app(scope, limited_receive, send)

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse(
            error_body("payload_too_large", f"The body is larger than {self.max_bytes} bytes."), status_code=413
        )
        await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
