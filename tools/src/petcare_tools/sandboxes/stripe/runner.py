"""Serve localstripe's aiohttp app on 127.0.0.1 with in-memory state only (no pickle file)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

LOCALHOST = "127.0.0.1"


def _memory_only() -> None:
    # localstripe's Store writes /tmp/localstripe.pickle on every write and its start command reads
    # it back: two instances (a test and a dev run) would share one state. Keep it in memory.
    from localstripe import resources

    def _no_disk(self: Any) -> None:
        return None

    resources.Store.dump_to_disk = _no_disk
    resources.Store.try_load_from_disk = _no_disk


@web.middleware
async def _health(request: web.Request, handler: Any) -> web.StreamResponse:
    # Before localstripe's auth middleware: the launcher's readiness wait has no API key.
    if request.path == "/health":
        return web.json_response({"status": "ok"})
    response: web.StreamResponse = await handler(request)
    return response


def build_app() -> web.Application:
    """localstripe's application (one per process: its state is module-global), plus `GET /health`
    for the launcher's readiness wait. Persistence to disk is switched off first."""
    _memory_only()
    from localstripe.server import app

    if _health not in app.middlewares:
        app.middlewares.insert(0, _health)
    return app


def serve(port: int, host: str = LOCALHOST) -> None:
    """Serve until interrupted (SIGTERM/SIGINT), on `host` (loopback) and `port` only."""
    web.run_app(build_app(), host=host, port=port, print=None, access_log=None)
