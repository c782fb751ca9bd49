"""The app factory: one FastAPI app per service with the runtime in its lifespan, `/health` (the
process is alive), `/ready` (database and broker reachable: send traffic), `/metrics`, the one error
shape (declared on every operation's OpenAPI), request ids and JSON logs, traces when an OTLP
endpoint is configured (`petcare_kit.tracing`), and the request checks every route gets
(`petcare_kit.validation`: no text PostgreSQL cannot store)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from petcare_kit import idempotency, tracing
from petcare_kit.errors import error_body
from petcare_kit.http import ERROR_RESPONSES, BodySizeLimit, Error, install_error_handlers, install_request_context
from petcare_kit.logging import configure_logging
from petcare_kit.probes import Health, Ready
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.unit_of_work import UnitOfWork
from petcare_kit.validation import refuse_unstorable_text

MAX_BODY_BYTES = 1024 * 1024
READY_CHECK_TIMEOUT_SECONDS = 3.0


def create_service_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str = "",
    routers: Sequence[APIRouter] = (),
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    settings = runtime.settings
    configure_logging(service=settings.service_name, level=settings.log_level, as_json=settings.log_json)
    tracing.configure(settings.service_name)  # only with an OTLP endpoint in the environment

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, lifespan=lifespan,
                  dependencies=[Depends(refuse_unstorable_text)],
                  redirect_slashes=False)  # a wrong path is a 404 in the error shape, never a 307
    app.state.runtime = runtime
    install_error_handlers(app)
    idempotency.install(app, runtime)  # Idempotency-Key on POSTs; inside the request context below
    install_request_context(app)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    tracing.instrument_app(app)
    app.include_router(_probes(runtime))
    for router in routers:
        app.include_router(router, responses=ERROR_RESPONSES)
    return app


def _probes(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health", summary="The process is alive", response_model=Health)
    async def health() -> Health:
        return Health()

    # The 503 is answered directly (a JSONResponse), so the declared model is the 200's only.
    @router.get("/ready", summary="The database and the broker are reachable", response_model=Ready,
                responses={503: {"model": Error, "description": "Not ready: `details` names each failing check."}})
    async def ready() -> Ready | JSONResponse:
        checks = {"database": runtime.check_database, "broker": runtime.check_broker}
        failures = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), READY_CHECK_TIMEOUT_SECONDS)
            except Exception as error:  # any failure means "not ready"; the reason is reported
                failures[name] = repr(error)
        if failures:
            return JSONResponse(error_body("unavailable", "Not ready.", failures), status_code=503)
        return Ready(relay_leader=runtime.relay.is_leader)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def get_runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


async def get_unit_of_work(runtime: Annotated[ServiceRuntime, Depends(get_runtime)]) -> AsyncIterator[UnitOfWork]:
    async with idempotency.unit_of_work(runtime) as uow:  # the runtime's, unless the request has a key
        yield uow


UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work)]
RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]
