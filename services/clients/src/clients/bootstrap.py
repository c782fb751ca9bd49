"""The composition root: settings, runtime (database, outbox relay), routers, and the session
check's own read and fast path (entrypoints/session_check.py)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from petcare_kit.app import create_service_app
from petcare_kit.runtime import ServiceRuntime

from clients.adapters.session_state import SessionStates
from clients.config import ClientsSettings
from clients.entrypoints.api import auth, clients, people
from clients.entrypoints.session_check import SessionCheckFastPath

DESCRIPTION = """The directory of a pet-care business: the company and its settings, staff, clients,
pets and portal accounts. Every change is published on `clients.events`."""


def create_app(settings: ClientsSettings | None = None) -> FastAPI:
    settings = settings or ClientsSettings()
    runtime = ServiceRuntime(settings, publishes=["clients.events"])
    app = create_service_app(runtime, title="Clients", description=DESCRIPTION,
                             routers=[auth.router, people.router, clients.router])
    states = app.state.session_states = SessionStates(settings.database_url)
    app.add_middleware(SessionCheckFastPath, states=states, secret=settings.internal_auth_secret)  # outermost
    runtime_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with runtime_lifespan(app) as state:
            try:
                yield state
            finally:
                await states.close()

    app.router.lifespan_context = lifespan
    return app
