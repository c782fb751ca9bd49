"""The composition root: settings → HTTP client → route catalog, access policy, proxy → app.

Middleware, outermost first: CORS (so even refusals carry CORS headers a browser can read),
request id, the request context (logs, metrics, `X-Request-Id` on the response: the kit's, as
plain ASGI in request_context.py), the body
size limit, then the routes. Nothing is kept between requests except route tables and per-replica
rate-limit buckets, so replicas need no shared memory.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from petcare_kit import tracing
from petcare_kit.http import (
    CORRELATION_ID_HEADER,
    REQUEST_ID_HEADER,
    BodySizeLimit,
    install_error_handlers,
)
from petcare_kit.logging import configure_logging

from gateway.config import GatewaySettings
from gateway.entrypoints.api import FORWARD_ROUTE, router
from gateway.errors import install_gateway_error_handler
from gateway.forwarding import Gateway
from gateway.request_context import RequestContext
from gateway.request_ids import AssignRequestId
from gateway.upstream_calls import new_session

MAX_CONNECTIONS = 200


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    configure_logging(service=settings.service_name, level=settings.log_level, as_json=settings.log_json)
    tracing.configure(settings.service_name)  # only with an OTLP endpoint in the environment
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # No proxy from the environment, no redirects; client spans and `traceparent` made by `send`.
        async with new_session(max_connections=MAX_CONNECTIONS) as http:
            app.state.gateway = Gateway.wire(settings, http)
            with tracing.untraced():  # route-table refreshes (every 30 s) are no request's trace
                loading = asyncio.create_task(app.state.gateway.catalog.run(), name="route-tables")
            try:
                yield
            finally:
                loading.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await loading

    # No 307 to the path with a slash added: an unknown path is one 404 in the error shape, and a
    # client following the redirect would only meet that 404 one request later.
    app = FastAPI(title="Pet-care API gateway", lifespan=lifespan, openapi_url=None, docs_url=None,
                  redoc_url=None, redirect_slashes=False)
    app.state.settings = settings
    install_error_handlers(app)
    install_gateway_error_handler(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContext)  # the kit's install_request_context, as plain ASGI
    app.add_middleware(AssignRequestId)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Accept", "Accept-Language", "Idempotency-Key",
                       REQUEST_ID_HEADER, CORRELATION_ID_HEADER],
        expose_headers=[REQUEST_ID_HEADER, "Retry-After", "Location", "Content-Disposition", "Idempotent-Replayed"],
        max_age=600,
    )
    app.include_router(router)
    app.router.routes.append(FORWARD_ROUTE)
    tracing.instrument_app(app)
    return app
