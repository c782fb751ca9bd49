"""Calling a service over pooled keep-alive connections, without failing on a stale one.

The client is aiohttp's (C-accelerated HTTP parsing): every forwarded request costs the gateway two
calls up (the session check, then the request itself), and httpx's pure-Python client cost about
2.5 ms of CPU per call on the bench machine against aiohttp's 0.3 ms (docs/performance.md).

A service may close a keep-alive connection just after answering (uvicorn does after a 500 whose
exception was re-raised, and any server does at its idle timeout). If the gateway takes that
connection from the pool before the close reaches it, the request is written into a dead socket
and fails with no answer: another caller pays for the first caller's error (issue 9, item 5).

So every call goes through `send`, which tries once more, on another connection, when:
- no connection could be opened at all (`ClientConnectorError`): nothing was sent; or
- a connection taken from the pool (not opened by this attempt) failed before any byte of an
  answer came back: the server had closed it before reading the request, so the request never
  reached the service. This holds for any method, including a POST (RFC 9112 §9.3.1; browsers
  retry the same case); or
- the call is idempotent (GET, HEAD, OPTIONS, PUT, DELETE, or a request with an
  `Idempotency-Key`, which the service deduplicates) and failed for any transport reason other
  than a timeout (a timed-out call is not repeated: the caller would wait twice as long).
Once, never more: a service that is really down still answers 502 quickly. (aiohttp's own retry
of idempotent calls is switched off in `new_session`, so this is the one policy.)

With tracing on, each call is a client span whose context goes up in `traceparent`.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp
from multidict import CIMultiDict
from petcare_kit import tracing
from prometheus_client import Counter
from yarl import URL

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
IDEMPOTENCY_KEY_HEADER = "idempotency-key"
ATTEMPTS = 2

UPSTREAM_RETRIES = Counter("gateway_upstream_retries_total",
                           "Upstream calls sent again on another connection", ["reason"])

TransportError = aiohttp.ClientError
"""What a call that got no complete answer raises (besides TimeoutError)."""
_DROPPED = (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError, aiohttp.ClientPayloadError)


@dataclass(frozen=True)
class Answer:
    """A service's complete answer: status, raw header pairs (names as sent) and the whole body."""

    status: int
    raw_headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    def json(self) -> Any:
        """The body as JSON; ValueError if it is not."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class _Attempt:
    """What aiohttp's trace says about one attempt."""

    opened_connection: bool = False
    answer_started: bool = False


async def _on_connection_create(_: aiohttp.ClientSession, context: SimpleNamespace, __: Any) -> None:
    attempt = context.trace_request_ctx
    if isinstance(attempt, _Attempt):
        attempt.opened_connection = True


def new_session(*, max_connections: int) -> aiohttp.ClientSession:
    """The gateway's one pooled client. No proxy from the environment (internal calls must not go
    elsewhere), no redirects followed (`send` passes allow_redirects=False), no cookies kept, and
    no Content-Type made up for a body the caller sent without one."""
    trace_config = aiohttp.TraceConfig()
    trace_config.on_connection_create_start.append(_on_connection_create)
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=max_connections, ttl_dns_cache=None),
        trust_env=False, cookie_jar=aiohttp.DummyCookieJar(), trace_configs=[trace_config],
        auto_decompress=True, skip_auto_headers=("Content-Type",),
    )
    session._retry_connection = False  # noqa: SLF001 (one retry policy: `send`'s, see the module)
    return session


def is_idempotent(method: str, headers: Any = ()) -> bool:
    """True for methods that may be repeated, and for any request carrying an Idempotency-Key.
    `headers`: a mapping or a list of (name, value) pairs."""
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return any(name.lower() == IDEMPOTENCY_KEY_HEADER and value for name, value in pairs)


def _retry_reason(error: BaseException, attempt: _Attempt, idempotent: bool) -> str | None:
    if isinstance(error, TimeoutError):
        return None
    if isinstance(error, aiohttp.ClientConnectorError):
        return "connect_failed"
    stale = (not attempt.opened_connection and not attempt.answer_started and isinstance(error, _DROPPED))
    if stale:
        return "stale_connection"
    return "idempotent" if idempotent else None


def encoded_url(base_url: str, raw_path: str = "", query: bytes | str = b"") -> URL:
    """`base_url + raw_path [+ ? + query]`, sent exactly as written (no re-quoting, no
    normalising): the service must decode the path to the very string the gateway checked."""
    query_text = query.decode("latin-1") if isinstance(query, bytes) else query
    return URL(f"{base_url}{raw_path}{'?' + query_text if query_text else ''}", encoded=True)


async def send(http: aiohttp.ClientSession, method: str, url: URL | str, *,
               headers: Iterable[tuple[str, str]] | Mapping[str, str] = (), body: bytes | None = None,
               time_limit: float, idempotent: bool | None = None) -> Answer:
    """One call up, its whole answer read; sent once more on another connection when the first
    attempt surely never reached the service, or when the call is idempotent (see the module).
    `time_limit`: seconds for the whole call (TimeoutError). `idempotent`: None means "decide from
    the method and an Idempotency-Key header". Raises TransportError or TimeoutError when the
    last attempt fails."""
    pairs = list(headers.items() if isinstance(headers, Mapping) else headers)
    if idempotent is None:
        idempotent = is_idempotent(method, pairs)
    target = url if isinstance(url, URL) else URL(url, encoded=True)
    for number in range(1, ATTEMPTS + 1):
        attempt = _Attempt()
        try:
            with _span(method, target) as (trace_headers, span):
                answer = await _one_call(http, method, target, _with_trace(pairs, trace_headers), body,
                                         time_limit, attempt)
                if span is not None:
                    span.set_attribute("http.response.status_code", answer.status)
                return answer
        except (aiohttp.ClientError, TimeoutError) as error:
            reason = _retry_reason(error, attempt, idempotent)
            if number == ATTEMPTS or reason is None:
                raise
            UPSTREAM_RETRIES.labels(reason).inc()
            log.info("%s %s failed (%r, %s); sending it again on another connection",
                     method, target.with_query(None), error, reason)
    raise AssertionError("unreachable")  # pragma: no cover


def _with_trace(pairs: list[tuple[str, str]], trace_headers: tuple[tuple[str, str], ...]) -> CIMultiDict[str]:
    """The headers to send: the span's context replaces any the caller sent (`traceparent`...)."""
    if not trace_headers:
        return CIMultiDict(pairs)
    replaced = {name.lower() for name, _ in trace_headers}
    return CIMultiDict([*(pair for pair in pairs if pair[0].lower() not in replaced), *trace_headers])


async def _one_call(http: aiohttp.ClientSession, method: str, url: URL, headers: CIMultiDict[str],
                    body: bytes | None, time_limit: float, attempt: _Attempt) -> Answer:
    async with http.request(method, url, headers=headers, data=body or None, allow_redirects=False,
                            timeout=aiohttp.ClientTimeout(total=time_limit), trace_request_ctx=attempt) as response:
        attempt.answer_started = True
        content = await response.read()
        return Answer(response.status, tuple(response.raw_headers), content)


_NO_SPAN: contextlib.nullcontext[tuple[tuple[tuple[str, str], ...], Any]] = contextlib.nullcontext(((), None))


def _span(method: str, url: URL) -> contextlib.AbstractContextManager[tuple[tuple[tuple[str, str], ...], Any]]:
    """A client span around one call: (the headers that carry it up, `traceparent`; the span).
    No span and no headers when tracing is off, or inside `tracing.untraced()` (route refreshes)."""
    if not tracing.enabled():
        return _NO_SPAN
    from opentelemetry.instrumentation.utils import is_instrumentation_enabled

    return _client_span(method, url) if is_instrumentation_enabled() else _NO_SPAN


@contextlib.contextmanager
def _client_span(method: str, url: URL) -> Iterator[tuple[tuple[tuple[str, str], ...], Any]]:
    from opentelemetry import propagate, trace

    attributes: dict[str, str | int] = {
        "http.request.method": method, "url.full": str(url.with_query(None)),
        "server.address": url.host or "", "server.port": url.port or 0}
    with trace.get_tracer("gateway").start_as_current_span(method, kind=trace.SpanKind.CLIENT,
                                                           attributes=attributes) as span:
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        yield tuple(carrier.items()), span
