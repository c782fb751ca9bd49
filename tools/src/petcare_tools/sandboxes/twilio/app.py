"""The Twilio sandbox application: Twilio's REST API for what texting uses, plus `/sandbox/`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from . import a2p_api, messages_api, numbers_api, simulator_api
from .config import TwilioSandboxConfig
from .deps import TwilioSandbox, authenticated_account
from .errors import install_error_handlers


def create_app(config: TwilioSandboxConfig | None = None) -> FastAPI:
    """The ASGI app: `uvicorn --factory petcare_tools.sandboxes.twilio:create_app`.

    Settings come from the environment unless `config` is given (tests give it).
    """
    sandbox = TwilioSandbox.build(config or TwilioSandboxConfig.from_env())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await sandbox.webhooks.close()

    app = FastAPI(title="Twilio sandbox", lifespan=lifespan)
    app.state.sandbox = sandbox
    install_error_handlers(app)
    authenticated = [Depends(authenticated_account)]
    for router in (messages_api.router, numbers_api.router, a2p_api.addresses_router):
        app.include_router(router, prefix="/api/2010-04-01", dependencies=authenticated)
    app.include_router(a2p_api.messaging_router, prefix="/messaging/v1", dependencies=authenticated)
    app.include_router(a2p_api.trusthub_router, prefix="/trusthub/v1", dependencies=authenticated)
    app.include_router(simulator_api.router)

    @app.get("/health", tags=["Sandbox: simulation and phone log"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
