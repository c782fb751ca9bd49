"""The road of one API request: `/api/<service>/<path>` → route → rate limit → caller → service.

Kept in one short function so a reader sees every check a request passes, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from fastapi import Request
from petcare_kit.context import correlation_id_var
from petcare_kit.http import CORRELATION_ID_HEADER, REQUEST_ID_HEADER
from petcare_kit.identity import sign_identity
from starlette.responses import Response

from gateway.access import AccessPolicy
from gateway.config import GatewaySettings
from gateway.errors import RateLimited, UpstreamNotReady, not_found
from gateway.openapi_merge import merge
from gateway.proxy import Proxy, headers_to_forward
from gateway.rate_limit import TokenBucketLimiter, retry_after_header
from gateway.routing import RouteMatch
from gateway.sessions import SESSION_SERVICE, SessionChecker
from gateway.upstreams import UpstreamCatalog

AUTH_RATE_LIMIT = "auth"


@dataclass
class Gateway:
    settings: GatewaySettings
    catalog: UpstreamCatalog
    policy: AccessPolicy
    limiter: TokenBucketLimiter
    proxy: Proxy
    _merged: tuple[int, dict[str, Any]] | None = None

    @classmethod
    def wire(cls, settings: GatewaySettings, http: aiohttp.ClientSession) -> Gateway:
        services = settings.upstreams()
        catalog = UpstreamCatalog(services, http, refresh_seconds=settings.routes_refresh_seconds,
                                  retry_max_seconds=settings.routes_retry_max_seconds,
                                  timeout=settings.upstream_timeout_seconds)
        sessions = SessionChecker(http, clients_url=services.get(SESSION_SERVICE),
                                  secret=settings.internal_auth_secret,
                                  timeout=settings.session_check_timeout_seconds)
        policy = AccessPolicy(sessions, secret=settings.token_signing_secret, issuer=settings.token_issuer,
                              leeway=settings.token_leeway_seconds)
        return cls(settings, catalog, policy, TokenBucketLimiter(settings.auth_rate_limit_per_minute),
                   Proxy(http, timeout=settings.upstream_timeout_seconds))

    async def handle(self, request: Request, service: str) -> Response:
        """Known service, loaded routes, safe path, route (404/405), attempt limit (429), caller
        (401/403/404, access.py), then forward with the gateway's signed identity."""
        base_url = self.catalog.services.get(service)
        if base_url is None:
            raise not_found()
        table = self.catalog.tables.get(service)
        if table is None:
            raise UpstreamNotReady(f"The {service} service is starting; try again in a moment.",
                                   details={"service": service}, headers={"Retry-After": "5"})
        path, raw_path = service_side_paths(request, service)
        match = table.match(request.method, path)
        self._limit_attempts(request, service, match)
        trace = {REQUEST_ID_HEADER: request.headers[REQUEST_ID_HEADER],
                 CORRELATION_ID_HEADER: correlation_id_var.get() or request.headers[REQUEST_ID_HEADER]}
        identity = await self.policy.caller(match, authorization=request.headers.get("authorization"),
                                            trace_headers=trace)
        added = {**trace, **_forwarding(request, service)}
        if identity is not None:
            added.update(sign_identity(identity, secret=self.settings.internal_auth_secret,
                                       method=request.method, path=path))
        headers = headers_to_forward(request.headers.items(), added=added)
        body = await request.body()  # after the checks: a refused caller's body is never read
        return await self.proxy.forward(
            service=service, base_url=base_url, method=request.method, raw_path=raw_path,
            query=request.scope.get("query_string", b""), headers=headers, body=body,
        )

    def _limit_attempts(self, request: Request, service: str, match: RouteMatch) -> None:
        if match.operation.rate_limit != AUTH_RATE_LIMIT:
            return
        client_ip = request.client.host if request.client else "unknown"
        wait = self.limiter.try_take((client_ip, service, match.operation.method, match.operation.template))
        if wait is not None:
            retry_after = retry_after_header(wait)
            raise RateLimited(f"Too many attempts; wait {retry_after} seconds and try again.",
                              details={"retry_after_seconds": int(retry_after)},
                              headers={"Retry-After": retry_after})

    def openapi(self, own: dict[str, Any]) -> dict[str, Any]:
        """The merged document, rebuilt only when a service's document changed."""
        if self._merged is None or self._merged[0] != self.catalog.version:
            documents = {name: self.catalog.documents[name] for name in self.catalog.services
                         if name in self.catalog.documents}
            merged = merge(own, documents, title="Pet-care API", version="1",
                           description=_DESCRIPTION)
            self._merged = (self.catalog.version, merged)
        return self._merged[1]


def service_side_paths(request: Request, service: str) -> tuple[str, str]:
    """The path as the service will see it: decoded (what identity is signed for and routes
    match) and raw (what is sent, so the service decodes it to the very same string).

    Dot segments are refused: an HTTP client would collapse `/clients/../settings` into another
    route than the one the gateway checked.
    """
    prefix = f"/api/{service}"
    decoded = request.scope["path"][len(prefix):]
    raw = (request.scope.get("raw_path") or request.scope["path"].encode()).decode("latin-1")
    if not raw.startswith(prefix + "/") or any(part in (".", "..") for part in decoded.split("/")):
        raise not_found()
    return decoded, raw[len(prefix):]


def _forwarding(request: Request, service: str) -> dict[str, str]:
    return {
        "x-forwarded-for": request.client.host if request.client else "",
        "x-forwarded-proto": request.url.scheme,
        "x-forwarded-host": request.headers.get("host", ""),
        "x-forwarded-prefix": f"/api/{service}",
    }


_DESCRIPTION = """Every service of the suite, as frontends reach it: `/api/<service>/...`.

Sign in with the clients service's log-in operation, then send the access token as
`Authorization: Bearer <token>` (the **Authorize** button here). Each operation lists the roles
that may call it. Every error has one shape: `{"error": {"code", "message", "details"}}`; branch
on `code`. Every response carries `X-Request-Id`: quote it when you report a problem."""
