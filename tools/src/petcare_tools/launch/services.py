"""Starting one service as a process: its database, its migrations, its server, its readiness.

Each step takes plain values (bootstrap servers, database URL, provider URLs), so suite tests
start services against their own fixtures with the same code as `make run`.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping

from petcare_kit.service_spec import ServiceSpec

from petcare_tools.embedded.ports import LOCALHOST, is_port_free
from petcare_tools.launch.config import Endpoint, LaunchError
from petcare_tools.launch.sandboxes import uvicorn_argv
from petcare_tools.testing.processes import ProcessError, ProcessManager

READY_TIMEOUT = 60.0
MIGRATION_TIMEOUT = 300.0


def select(specs: list[ServiceSpec], names: str) -> list[ServiceSpec]:
    """`all`, `none`, or a comma-separated list of service names (kept in start order)."""
    if names == "all":
        return specs
    if names == "none":
        return []
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    unknown = wanted - {spec.name for spec in specs}
    if unknown:
        raise LaunchError(f"unknown services {sorted(unknown)}; installed: {[s.name for s in specs]}")
    return [spec for spec in specs if spec.name in wanted]


def database_env(spec: ServiceSpec, database_url: str) -> dict[str, str]:
    return {f"{spec.env_prefix}DATABASE_URL": database_url}


def service_env(
    spec: ServiceSpec, *, bootstrap_servers: str, database_url: str | None, providers: Mapping[str, str]
) -> dict[str, str]:
    """The environment a service runs with in development: broker, database, sandboxes."""
    env = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers, "ENVIRONMENT": "development", **providers}
    if database_url is not None:
        env.update(database_env(spec, database_url))
    return {**env, **spec.extra_dev_env}


def migrate(manager: ProcessManager, spec: ServiceSpec, env: Mapping[str, str]) -> None:
    """Run the service's migrations to head (a separate process, like a deployment's migrate job)."""
    name = f"{spec.name}-migrations"
    argv = [sys.executable, "-m", "petcare_kit.migrations", "upgrade", "--service", spec.name]
    process = manager.start(name, argv, env)
    process.stopping = True  # it is meant to exit
    try:
        returncode = process.popen.wait(MIGRATION_TIMEOUT)
    except subprocess.TimeoutExpired:
        manager.stop(name)
        raise LaunchError(
            f"{name} did not finish in {MIGRATION_TIMEOUT:.0f} s:\n{process.log_tail()}"
        ) from None
    if returncode != 0:
        raise LaunchError(
            f"{name} failed with code {returncode}; log {process.log_path}:\n{process.log_tail()}"
        )


def start_service(
    manager: ProcessManager, spec: ServiceSpec, env: Mapping[str, str], ready_timeout: float = READY_TIMEOUT
) -> Endpoint:
    """Serve the service on its dev port and wait until GET /ready answers 200."""
    if not is_port_free(spec.dev_port):
        raise LaunchError(f"port {spec.dev_port} for {spec.name} is already in use (another `make run`?)")
    url = f"http://{LOCALHOST}:{spec.dev_port}"
    manager.start(spec.name, uvicorn_argv(spec.asgi_factory, spec.dev_port), env)
    try:
        manager.wait_http_ok(f"{url}/ready", ready_timeout, name=spec.name)
    except ProcessError as error:
        raise LaunchError(f"{spec.name} did not become ready: {error}") from None
    return Endpoint(spec.name, url, f"docs {url}/docs")
