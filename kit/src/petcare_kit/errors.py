"""The errors a user can get, in the one JSON shape of every service and the gateway:

    {"error": {"code": "client_not_found", "message": "...", "details": {...}}}

`code` is stable (frontends branch on it); `message` says what to do. Domain code raises these
(they carry no HTTP types); the app factory maps them to a status and the shape.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that cannot be done as asked. Nothing was changed."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details


class InvalidInput(DomainError):
    status, code = 422, "validation_error"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class Unauthenticated(DomainError):
    status, code = 401, "unauthenticated"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class ServiceUnavailable(DomainError):
    """A dependency (the database) is unreachable right now: nothing was changed; try again after
    `retry_after` seconds (sent as the Retry-After header)."""

    status, code = 503, "service_unavailable"

    def __init__(self, message: str, *, retry_after: int = 5, code: str | None = None, details: Any = None) -> None:
        super().__init__(message, code=code, details=details)
        self.retry_after = retry_after


class TransientError(Exception):
    """Worth retrying (a provider timed out, a lock was lost): consumers retry the batch with backoff."""


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}
