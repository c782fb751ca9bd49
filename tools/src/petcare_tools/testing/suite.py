"""Real services as processes for suite tests, on the session's broker and PostgreSQL.

Each service is started the way the launcher and the Dockerfiles start it: its database created
and migrated first, then `uvicorn --factory <spec.asgi_factory>` with its settings in the
environment; a start returns once its `/ready` answers 200. Nothing here names a service: a new
one joins by its `ServiceSpec` (entry point `petcare.services`)::

    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)   # pytest fixtures
    sendgrid = await suite.start_sandbox("sendgrid")
    await suite.start("notifications", SENDGRID_HOST=sendgrid)   # env of the process, added
    gateway = await suite.start_gateway()                         # routes to what is running
    suite.kill("notifications")                                   # SIGKILL (a crash test)
    await suite.restart("notifications")                          # same port, env and database

A second `start` under another `process_name` is a replica (same database); `start_replicas("texting", 3)`
starts `texting`, `texting-2` and `texting-3` (the launcher's `--replicas` names). Processes belong to
the test's `processes` manager, which stops them all after the test.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from petcare_kit.migrations import upgrade_to_head
from petcare_kit.service_spec import ServiceSpec, installed_services

from petcare_tools.embedded.databases import create_fresh_database
from petcare_tools.embedded.ports import free_port
from petcare_tools.testing.processes import ProcessError, ProcessManager

INTERNAL_AUTH_SECRET = "suite-internal-secret"
TOKEN_SIGNING_SECRET = "suite-token-signing-secret-0123456789"
READY_TIMEOUT_SECONDS = 120.0
GATEWAY_TEST_TIMEOUTS = {"GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "60", "GATEWAY_SESSION_CHECK_TIMEOUT_SECONDS": "30"}
"""The gateway's upstream deadlines in suite tests (production: 10 s and 5 s): on a 2-core machine
running two test workers, each with its services, a call can take seconds for reasons that are not
the code's, and a 504 then fails a test about something else (any 5xx fails the API fuzz test).
A test can still pass its own."""


async def fresh_migrated_database(admin_url: str, prefix: str, alembic_dir: Path) -> str:
    """A new database with its own login (`<prefix>_<random>`), migrated to head; its URL."""
    url = await create_fresh_database(admin_url, prefix)
    await asyncio.to_thread(upgrade_to_head, alembic_dir, url)
    return url


async def serve_process(processes: ProcessManager, process_name: str, factory: str, env: dict[str, str], *,
                        port: int | None = None, probe: str = "/ready",
                        ready_within: float = READY_TIMEOUT_SECONDS) -> str:
    """Start `uvicorn --factory <factory>` on 127.0.0.1 (`port`, else a free one) as `process_name`
    with `env` added to ours; returns `http://127.0.0.1:PORT` once that process listens there and
    `probe` answers 200. Raises ProcessError (with the log tail) when it exits or is not ready within
    `ready_within` s.

    A free port is only free when it is chosen: when another process took it before ours bound it
    (the other test worker's server, say), ours exits with "address already in use" and is started
    again on another port, at most `BIND_ATTEMPTS` times; a `port` given is kept (a restart)."""
    attempts = 1 if port is not None else BIND_ATTEMPTS
    for attempt in range(1, attempts + 1):
        chosen = port or free_port()
        processes.start(process_name, [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
                                       "--port", str(chosen), "--no-access-log"], env=env)
        url = f"http://127.0.0.1:{chosen}"
        try:
            await asyncio.to_thread(_wait_serving, processes, process_name, chosen, f"{url}{probe}", ready_within)
        except _PortTaken as taken:
            if attempt == attempts:
                raise ProcessError(str(taken)) from None
            continue
        return url
    raise AssertionError("unreachable")


BIND_ATTEMPTS = 3


class _PortTaken(Exception):
    """The process exited because its port was in use."""


def _wait_serving(processes: ProcessManager, name: str, port: int, url: str, timeout: float) -> None:
    """Until process `name` itself listens on `port` (so that the answer checked next is its own, not
    another server's that holds the port), then until `url` answers 200."""
    deadline = time.monotonic() + timeout
    process = processes[name]
    while not _listens(process.pid, port):
        if not process.is_running:
            report = process.exit_report(f"before listening on port {port}")
            this_run = process.log_path.read_text(errors="replace").rsplit("----- restarted:", 1)[-1]
            if "address already in use" in this_run.lower():
                raise _PortTaken(report)
            raise ProcessError(report)
        if time.monotonic() > deadline:
            raise ProcessError(f"{name} did not listen on port {port} within {timeout:.0f} s:\n{process.log_tail()}")
        time.sleep(0.1)
    processes.wait_http_ok(url, max(deadline - time.monotonic(), 1.0), name)


def _listens(pid: int, port: int) -> bool:
    """Whether process `pid` (or a child of it) has a listening TCP socket on `port`."""
    try:
        parent = psutil.Process(pid)
        for member in (parent, *parent.children(recursive=True)):
            for connection in member.net_connections(kind="tcp"):
                if connection.status == psutil.CONN_LISTEN and connection.laddr and connection.laddr.port == port:
                    return True
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
    return False


@dataclass
class _Started:
    factory: str
    env: dict[str, str]
    url: str
    probe: str


@dataclass
class Suite:
    processes: ProcessManager
    bootstrap_servers: str
    admin_url: str
    urls: dict[str, str] = field(default_factory=dict)
    """Base URL per process name (the first one started under that name)."""
    databases: dict[str, str] = field(default_factory=dict)
    """Database URL per service name, shared by its replicas and restarts."""
    started: dict[str, _Started] = field(default_factory=dict)

    def spec(self, name: str) -> ServiceSpec:
        """The installed service `name`'s spec (KeyError when it is not installed)."""
        return {s.name: s for s in installed_services()}[name]

    def common_env(self) -> dict[str, str]:
        """What every service process gets: the broker, the test environment, the shared secrets."""
        return {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers, "ENVIRONMENT": "test",
                "INTERNAL_AUTH_SECRET": INTERNAL_AUTH_SECRET, "TOKEN_SIGNING_SECRET": TOKEN_SIGNING_SECRET}

    async def database(self, name: str, prefix: str | None = None) -> str:
        """Service `name`'s database for this suite: created and migrated on first use."""
        if name not in self.databases:
            alembic_dir = self.spec(name).alembic_dir
            if alembic_dir is None:
                raise ValueError(f"{name} has no database")
            self.databases[name] = await fresh_migrated_database(self.admin_url, prefix or f"suite_{name}",
                                                                 alembic_dir)
        return self.databases[name]

    async def start(self, name: str, *, process_name: str | None = None, port: int | None = None,
                    **env: str) -> str:
        """Start service `name` (another `process_name` starts a replica); `env` is added to the
        process environment. Returns its base URL once ready."""
        spec = self.spec(name)
        env_vars = self.common_env() | env
        if spec.needs_database:
            env_vars[f"{spec.env_prefix}DATABASE_URL"] = await self.database(name)
        return await self._serve(process_name or name, spec.asgi_factory, env_vars, port=port)

    async def start_replicas(self, name: str, count: int, *, ports: Sequence[int | None] | None = None,
                             **env: str) -> list[str]:
        """Start `count` processes of service `name` (R-SCALE-1): `name` first (its database created
        and migrated once), then `name-2` ... `name-<count>` at the same time, as the launcher's
        `--replicas` names them; one database, one consumer group. `ports` fixes their ports (in
        that order; None: a free one). Returns their base URLs in that order, once each is ready."""
        wanted: list[int | None] = list(ports) if ports else [None] * count
        first = await self.start(name, port=wanted[0], **env)
        others = await asyncio.gather(*(self.start(name, process_name=f"{name}-{n}", port=wanted[n - 1], **env)
                                        for n in range(2, count + 1)))
        return [first, *others]

    async def start_gateway(self, *, process_name: str = "gateway", port: int | None = None, **env: str) -> str:
        """Start a gateway (replica) routing to every installed service started so far, with the
        suite's upstream deadlines (`GATEWAY_TEST_TIMEOUTS`) unless `env` names others."""
        installed = {s.name for s in installed_services()}
        upstreams = {name: url for name, url in self.urls.items() if name in installed}
        env_vars = self.common_env() | {"GATEWAY_SERVICES": json.dumps(upstreams)} | GATEWAY_TEST_TIMEOUTS | env
        return await self._serve(process_name, self.spec("gateway").asgi_factory, env_vars, port=port)

    async def start_sandbox(self, name: str) -> str:
        """`sendgrid` or `twilio`: the provider sandbox as a process, like `make run` starts it."""
        return await self._serve(f"{name}-sandbox", f"petcare_tools.sandboxes.{name}:create_app", {}, probe="/health")

    def kill(self, process_name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        """Signal a started process (default SIGKILL: a crash); waits until a killed one is gone."""
        self.processes.kill(process_name, sig)

    async def restart(self, process_name: str, **env: str) -> str:
        """Start an exited (killed or stopped) process again on the same port, with the same
        environment plus `env`; returns its URL once ready."""
        before = self.started[process_name]
        return await self._serve(process_name, before.factory, before.env | env,
                                 port=int(before.url.rsplit(":", 1)[1]), probe=before.probe)

    async def _serve(self, process_name: str, factory: str, env: dict[str, str], *, port: int | None = None,
                     probe: str = "/ready") -> str:
        url = await serve_process(self.processes, process_name, factory, env, port=port, probe=probe)
        self.urls.setdefault(process_name, url)
        self.started[process_name] = _Started(factory, env, url, probe)
        return url
