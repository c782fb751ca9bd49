"""The errors the gateway itself answers with, in the one JSON shape (petcare_kit.errors).

Some need response headers a frontend or client library acts on (`Retry-After`, `Allow`,
`WWW-Authenticate`), which the kit's `DomainError` does not carry, hence `GatewayError`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from petcare_kit.errors import DomainError, error_body


class GatewayError(DomainError):
    def __init__(self, message: str, *, code: str | None = None, details: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message, code=code, details=details)
        self.headers = headers or {}


class NotAuthenticated(GatewayError):
    """401 with `WWW-Authenticate: Bearer` (RFC 6750), so HTTP clients know to sign in again."""

    status, code = 401, "unauthenticated"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message, code=code, details=details, headers={"WWW-Authenticate": "Bearer"})


class RoleNotAllowed(GatewayError):
    status, code = 403, "role_not_allowed"


class RouteNotFound(GatewayError):
    status, code = 404, "not_found"


class MethodNotAllowed(GatewayError):
    status, code = 405, "method_not_allowed"


class RateLimited(GatewayError):
    status, code = 429, "rate_limited"


class UpstreamUnavailable(GatewayError):
    status, code = 502, "upstream_unavailable"


class UpstreamNotReady(GatewayError):
    status, code = 503, "upstream_not_ready"


class AuthUnavailable(GatewayError):
    status, code = 503, "auth_unavailable"


class UpstreamTimeout(GatewayError):
    status, code = 504, "upstream_timeout"


def not_found() -> RouteNotFound:
    """The same answer for 'no such route' and 'not yours', so a caller learns nothing from it."""
    return RouteNotFound("Nothing is here: check the address.")


def install_gateway_error_handler(app: FastAPI) -> None:
    @app.exception_handler(GatewayError)
    async def on_gateway_error(_: Request, error: GatewayError) -> JSONResponse:
        return JSONResponse(error_body(error.code, error.message, error.details),
                            status_code=error.status, headers=error.headers)
