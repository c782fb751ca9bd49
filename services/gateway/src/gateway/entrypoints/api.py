"""The gateway's own routes: probes, the merged API docs, and `/api/<service>/...` for the rest."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from petcare_kit.errors import error_body
from petcare_kit.http import Error
from petcare_kit.probes import Health
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

from gateway.forwarding import Gateway

FORWARDED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

router = APIRouter()


def _gateway(request: Request) -> Gateway:
    return request.app.state.gateway


class GatewayReady(BaseModel):
    """`GET /ready`: every service's routes are loaded, so send traffic."""

    status: Literal["ready"] = "ready"
    services: list[str] = Field(description="The services whose routes the gateway forwards to, by name.")


@router.get("/health", tags=["gateway"], summary="The gateway process is alive", response_model=Health)
async def health() -> Health:
    return Health()


@router.get("/ready", tags=["gateway"], summary="Every service's routes are loaded: send traffic",
            response_model=GatewayReady,
            responses={503: {"model": Error, "description": "Some services' routes are not loaded yet "
                                                             "(`details.waiting_for` names them)."}})
async def ready(request: Request) -> GatewayReady | JSONResponse:
    catalog = _gateway(request).catalog
    missing = catalog.missing()
    if missing:
        message = "Not ready: waiting for these services' routes."
        return JSONResponse(error_body("unavailable", message, {"waiting_for": missing}), status_code=503)
    return GatewayReady(services=sorted(catalog.services))


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    """Served at /metrics itself (a mounted app would answer it with a redirect to /metrics/)."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> JSONResponse:
    own = get_openapi(title="gateway", version="1", routes=request.app.routes)
    return JSONResponse(_gateway(request).openapi(own))


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json", title="Pet-care API",
        swagger_ui_parameters={"persistAuthorization": True, "showExtensions": True,
                               "displayRequestDuration": True},
    )


async def forward(request: Request) -> Response:
    return await _gateway(request).handle(request, request.path_params["service"])


class _NamedRoute(Route):
    """A Starlette route that puts itself in the scope as FastAPI's do (`scope["route"]`), so its
    requests are counted under its template (request_context.py), not as unmatched."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match != Match.NONE:
            child_scope["route"] = self
        return match, child_scope


FORWARD_ROUTE = _NamedRoute("/api/{service}/{path:path}", forward, methods=FORWARDED_METHODS,
                            include_in_schema=False)
"""Every request for a service. A plain Starlette route: FastAPI's parameter and dependency
machinery had nothing to do here but cost about a twelfth of the gateway's CPU per request."""
