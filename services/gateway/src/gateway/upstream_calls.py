"""Calling a service over pooled keep-alive connections, without failing on a stale one.

A service may close a keep-alive connection just after answering (uvicorn does after a 500 whose
exception was re-raised, and any server does at its idle timeout). If the gateway takes that
connection from the pool before the close reaches it, the request is written into a dead socket
and fails with no answer: another caller pays for the first caller's error (issue 9, item 5).

So every call goes through `send`, which tries once more, on another connection, when:
- no connection could be opened at all (`ConnectError`): nothing was sent; or
- a connection taken from the pool (not opened by this attempt) failed before any byte of an
  answer came back: the server had closed it before reading the request, so the request never
  reached the service. This holds for any method, including a POST (RFC 9112 §9.3.1; browsers
  retry the same case); or
- the call is idempotent (GET, HEAD, OPTIONS, PUT, DELETE, or a request with an
  `Idempotency-Key`, which the service deduplicates) and failed for any transport reason other
  than a timeout (a timed-out call is not repeated: the caller would wait twice as long).
Once, never more: a service that is really down still answers 502 quickly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client import Counter

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
IDEMPOTENCY_KEY_HEADER = "idempotency-key"
ATTEMPTS = 2

UPSTREAM_RETRIES = Counter("gateway_upstream_retries_total",
                           "Upstream calls sent again on another connection", ["reason"])


@dataclass
class _Attempt:
    """What httpcore's trace says about one attempt."""

    opened_connection: bool = False
    answer_started: bool = False

    async def trace(self, event: str, info: Mapping[str, Any]) -> None:
        if event.startswith("connection.connect_tcp."):
            self.opened_connection = True
        elif event == "http11.receive_response_headers.complete":
            self.answer_started = True


def is_idempotent(method: str, headers: Any = ()) -> bool:
    """True for methods that may be repeated, and for any request carrying an Idempotency-Key.
    `headers`: a mapping or a list of (name, value) pairs."""
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return any(name.lower() == IDEMPOTENCY_KEY_HEADER and value for name, value in pairs)


def _retry_reason(error: httpx.TransportError, attempt: _Attempt, idempotent: bool) -> str | None:
    if isinstance(error, httpx.TimeoutException):
        return None
    if isinstance(error, httpx.ConnectError):
        return "connect_failed"
    stale = (not attempt.opened_connection and not attempt.answer_started
             and isinstance(error, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError))
    if stale:
        return "stale_connection"
    return "idempotent" if idempotent else None


async def send(http: httpx.AsyncClient, method: str, url: httpx.URL | str, *,
               idempotent: bool | None = None, **kwargs: Any) -> httpx.Response:
    """`http.request(method, url, **kwargs)`, sent once more on another connection when the first
    attempt surely never reached the service, or when the call is idempotent (see the module).
    `idempotent`: None means "decide from the method and an Idempotency-Key header".
    Raises what httpx raises when the last attempt fails."""
    if idempotent is None:
        idempotent = is_idempotent(method, kwargs.get("headers") or ())
    for number in range(1, ATTEMPTS + 1):
        attempt = _Attempt()
        try:
            return await http.request(method, url, extensions={"trace": attempt.trace}, **kwargs)
        except httpx.TransportError as error:
            reason = _retry_reason(error, attempt, idempotent)
            if number == ATTEMPTS or reason is None:
                raise
            UPSTREAM_RETRIES.labels(reason).inc()
            log.info("%s %s failed (%r, %s); sending it again on another connection",
                     method, httpx.URL(url).copy_with(query=None), error, reason)
    raise AssertionError("unreachable")  # pragma: no cover
