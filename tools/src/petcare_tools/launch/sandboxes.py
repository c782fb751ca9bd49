"""The SendGrid, Twilio and Stripe sandboxes: local stand-ins the official SDKs are pointed at."""

from __future__ import annotations

import importlib
import importlib.util
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
    runner: bool = False
    """True: `module` is run as `python -m module --port N` (it binds 127.0.0.1 itself), not by uvicorn."""

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"


DEFAULT_STRIPE_PORT = 8420
"""localstripe's usual port; a busy one moves to a free loopback port like the other sandboxes."""


def sandboxes(sendgrid_port: int, twilio_port: int, stripe_port: int = DEFAULT_STRIPE_PORT) -> list[Sandbox]:
    return [
        Sandbox("sendgrid", "petcare_tools.sandboxes.sendgrid", "SENDGRID_HOST", sendgrid_port),
        Sandbox("twilio", "petcare_tools.sandboxes.twilio", "TWILIO_API_BASE", twilio_port),
        # localstripe (an aiohttp app with module-global state): one process each, our runner.
        Sandbox("stripe", "petcare_tools.sandboxes.stripe", "STRIPE_API_BASE", stripe_port, runner=True),
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
        if not (has_runner(sandbox.module) if sandbox.runner else has_factory(sandbox.module)):
            warn(f"{sandbox.module}:create_app is not importable: the {sandbox.name} sandbox is skipped")
            env[sandbox.env_var] = sandbox.url
            endpoints.append(Endpoint(f"{sandbox.name} sandbox", "-", "skipped: not importable"))
            continue
        port = preferred_port(sandbox.port)
        if port != sandbox.port:
            warn(f"port {sandbox.port} is busy: the {sandbox.name} sandbox uses {port}")
        sandbox = Sandbox(sandbox.name, sandbox.module, sandbox.env_var, port, sandbox.runner)
        if sandbox.runner:
            argv = runner_argv(sandbox.module, port)
        else:
            argv = uvicorn_argv(f"{sandbox.module}:create_app", port)
        manager.start(sandbox.name, argv)
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


def has_runner(module: str) -> bool:
    """True when `module` can be run with `python -m` (its package and `__main__` are importable)."""
    try:
        return importlib.util.find_spec(f"{module}.__main__") is not None
    except ImportError:
        return False


def runner_argv(module: str, port: int) -> list[str]:
    """Run a sandbox's own runner module, which serves on 127.0.0.1 only."""
    return [sys.executable, "-m", module, "--port", str(port)]


def uvicorn_argv(factory: str, port: int) -> list[str]:
    """Serve the ASGI app that `factory` (`module:function`) returns, on 127.0.0.1 only."""
    return [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", LOCALHOST, "--port", str(port)]
