"""The SendGrid and Twilio sandboxes: local stand-ins the official SDKs are pointed at."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass

from petcare_tools.embedded.ports import LOCALHOST, preferred_port
from petcare_tools.launch.config import Endpoint
from petcare_tools.testing.processes import ProcessManager


@dataclass(frozen=True)
class Sandbox:
    name: str
    module: str
    """Module with `create_app()` (uvicorn --factory)."""
    env_var: str
    """The setting through which services reach it."""
    port: int

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"


def sandboxes(sendgrid_port: int, twilio_port: int) -> list[Sandbox]:
    return [
        Sandbox("sendgrid", "petcare_tools.sandboxes.sendgrid", "SENDGRID_HOST", sendgrid_port),
        Sandbox("twilio", "petcare_tools.sandboxes.twilio", "TWILIO_API_BASE", twilio_port),
    ]


def start_sandboxes(
    manager: ProcessManager, wanted: list[Sandbox], warn: Callable[[str], None], timeout: float = 30.0
) -> tuple[dict[str, str], list[Endpoint]]:
    """Start each sandbox that is importable and wait for its /health.

    Returns the environment that points services at them, and their table rows. A sandbox whose
    preferred port is taken moves to a free one: services learn the URL from the environment.
    A skipped sandbox's URL is still set, so no SDK falls back to the real provider.
    """
    env: dict[str, str] = {}
    endpoints: list[Endpoint] = []
    for sandbox in wanted:
        if not has_factory(sandbox.module):
            warn(f"{sandbox.module}:create_app is not importable: the {sandbox.name} sandbox is skipped")
            env[sandbox.env_var] = sandbox.url
            endpoints.append(Endpoint(f"{sandbox.name} sandbox", "-", "skipped: not importable"))
            continue
        port = preferred_port(sandbox.port)
        if port != sandbox.port:
            warn(f"port {sandbox.port} is busy: the {sandbox.name} sandbox uses {port}")
        sandbox = Sandbox(sandbox.name, sandbox.module, sandbox.env_var, port)
        manager.start(sandbox.name, uvicorn_argv(f"{sandbox.module}:create_app", port))
        manager.wait_http_ok(f"{sandbox.url}/health", timeout, name=sandbox.name)
        env[sandbox.env_var] = sandbox.url
        endpoints.append(Endpoint(f"{sandbox.name} sandbox", sandbox.url, f"{sandbox.env_var} for services"))
    return env, endpoints


def has_factory(module: str) -> bool:
    """True when `module` imports and has `create_app` (sandboxes may still be under construction)."""
    try:
        return callable(getattr(importlib.import_module(module), "create_app", None))
    except ImportError:
        return False


def uvicorn_argv(factory: str, port: int) -> list[str]:
    """Serve the ASGI app that `factory` (`module:function`) returns, on 127.0.0.1 only."""
    return [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", LOCALHOST, "--port", str(port)]
