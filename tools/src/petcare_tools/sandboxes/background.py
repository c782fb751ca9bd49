"""Serve an ASGI app with uvicorn on a free 127.0.0.1 port, in a background thread.

For tests and tools that need a sandbox (or a webhook receiver) as a real HTTP server next to
them, without a subprocess: `with serve_in_background(create_app()) as base_url: ...`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from uvicorn._types import ASGIApplication

STARTUP_TIMEOUT_SECONDS = 10.0


@contextmanager
def serve_in_background(app: ASGIApplication) -> Iterator[str]:
    """Yield the server's base URL (`http://127.0.0.1:PORT`); stop the server on exit, always."""
    # IPPROTO_TCP spelled out: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they
    # are TCP; without it every keep-alive request waits ~40 ms for a delayed ACK.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, daemon=True, name=f"asgi:{port}"
    )
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server on port {port} did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        listener.close()
