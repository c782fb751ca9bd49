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
from petcare_tools.launch.replicas import replica_name, replica_port
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
    manager: ProcessManager, spec: ServiceSpec, env: Mapping[str, str], ready_timeout: float = READY_TIMEOUT,
    *, replica: int = 1, replicas: int = 1,
) -> Endpoint:
    """Serve replica `replica` (1-based, of `replicas`) of the service and wait until GET /ready
    answers 200: replica 1 as `<name>` on the dev port, the others as `<name>-<n>` on their own
    port (launch.replicas). Raises LaunchError when the port is taken or it does not get ready."""
    name, port = replica_name(spec, replica), replica_port(spec, replica)
    if not is_port_free(port):
        raise LaunchError(f"port {port} for {name} is already in use (another `make run`?)")
    url = f"http://{LOCALHOST}:{port}"
    manager.start(name, uvicorn_argv(spec.asgi_factory, port), env)
    try:
        manager.wait_http_ok(f"{url}/ready", ready_timeout, name=name)
    except ProcessError as error:
        raise LaunchError(f"{name} did not become ready: {error}") from None
    note = f"docs {url}/docs"
    if replicas > 1:
        note += f"; replica {replica} of {replicas}" + (" (the gateway routes here)" if replica == 1 else "")
    return Endpoint(name, url, note)
