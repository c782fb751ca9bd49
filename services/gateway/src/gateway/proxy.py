"""Forwarding one request to a service and its answer back, unchanged where it matters.

What goes up: the method, the service-side path (exactly as the caller encoded it), the query
string, the body and the caller's headers minus those that are not theirs to send on: any
`x-petcare-*` header (identity is only ever the gateway's own signature), hop-by-hop headers,
credentials (`Authorization`, `Cookie`: services trust the signed identity, not tokens) and
forwarding headers (replaced by the gateway's own). Added: request and correlation ids, and
`X-Forwarded-*` so a service can tell the public URL (webhook signatures cover it).

What comes back: status, body and headers (upstream errors are already in the one shape), with
a `Location` on the service rewritten to the gateway's address. One aiohttp session per app
(upstream_calls.new_session) pools connections; every call has a timeout (504
`upstream_timeout`), and a service that cannot be reached is a 502 `upstream_unavailable`. A
pooled connection the service had already closed never fails a request: `upstream_calls.send`
sends it again on another one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import aiohttp
from petcare_kit.http import CORRELATION_ID_HEADER, REQUEST_ID_HEADER
from prometheus_client import Counter, Histogram
from starlette.responses import Response

from gateway.errors import UpstreamTimeout, UpstreamUnavailable
from gateway.upstream_calls import Answer, TransportError, encoded_url, send

log = logging.getLogger(__name__)

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})
NOT_FORWARDED_UP = HOP_BY_HOP | {
    "host", "content-length", "authorization", "cookie", "accept-encoding", "forwarded",
    REQUEST_ID_HEADER, CORRELATION_ID_HEADER,
}
NOT_RETURNED = HOP_BY_HOP | {"content-length", "content-encoding", "date", "server", REQUEST_ID_HEADER}
"""content-encoding: aiohttp has already decoded the body we return; date/server: ours are added."""
_NOT_RETURNED_RAW = frozenset(name.encode() for name in NOT_RETURNED)
INTERNAL_HEADER_PREFIX = "x-petcare-"

UPSTREAM_CALLS = Counter("gateway_upstream_requests_total", "Requests forwarded to services",
                         ["service", "outcome"])
UPSTREAM_LATENCY = Histogram("gateway_upstream_duration_seconds", "Time services took to answer", ["service"])


def headers_to_forward(incoming: Iterable[tuple[str, str]], *,
                       added: dict[str, str]) -> list[tuple[str, str]]:
    incoming = list(incoming)
    named_by_connection = {
        token.strip().lower() for name, value in incoming if name.lower() == "connection"
        for token in value.split(",")
    }
    kept = [
        (name, value) for name, value in incoming
        if (lowered := name.lower()) not in NOT_FORWARDED_UP and lowered not in named_by_connection
        and not lowered.startswith(INTERNAL_HEADER_PREFIX) and not lowered.startswith("x-forwarded-")
    ]
    return kept + list(added.items())


class Proxy:
    def __init__(self, http: aiohttp.ClientSession, *, timeout: float) -> None:
        self.http, self.timeout = http, timeout

    async def forward(self, *, service: str, base_url: str, method: str, raw_path: str, query: bytes,
                      headers: list[tuple[str, str]], body: bytes) -> Response:
        url = encoded_url(base_url, raw_path, query)
        started = time.perf_counter()
        try:
            upstream = await send(self.http, method, url, headers=headers, body=body, time_limit=self.timeout)
        except TimeoutError:
            UPSTREAM_CALLS.labels(service, "timeout").inc()
            raise UpstreamTimeout(f"The {service} service did not answer in time; try again.",
                                  details={"service": service, "timeout_seconds": self.timeout}) from None
        except TransportError as error:
            UPSTREAM_CALLS.labels(service, "unreachable").inc()
            log.warning("cannot reach %s: %r", service, error, extra={"upstream": service})
            raise UpstreamUnavailable(f"The {service} service cannot be reached right now; try again soon.",
                                      details={"service": service}) from None
        UPSTREAM_LATENCY.labels(service).observe(time.perf_counter() - started)
        UPSTREAM_CALLS.labels(service, str(upstream.status)).inc()
        return _returned(upstream, service=service, base_url=base_url)


def _returned(upstream: Answer, *, service: str, base_url: str) -> Response:
    """The answer as the caller gets it; raw header pairs copied as they came, but for those in
    NOT_RETURNED and a rewritten `Location`."""
    response = Response(content=upstream.body, status_code=upstream.status)
    returned = response.raw_headers
    for name, value in upstream.raw_headers:
        lowered = name.lower()
        if lowered in _NOT_RETURNED_RAW:
            continue
        if lowered == b"location":
            value = _public_location(value.decode("latin-1"), service=service, base_url=base_url).encode("latin-1")
        returned.append((lowered, value))
    return response


def _public_location(location: str, *, service: str, base_url: str) -> str:
    """`/clients/7` on the service is `/api/clients/clients/7` on the gateway."""
    if location.startswith(base_url + "/"):
        location = location[len(base_url):]
    if location.startswith("/") and not location.startswith("//"):
        return f"/api/{service}{location}"
    return location
