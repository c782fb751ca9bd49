"""Child processes for suite tests and the dev launcher: started, watched, and always stopped.

Each process logs to its own file (its stdout and stderr), runs in its own process group, and is
stopped with its whole tree, so a failing test or a crashed launcher leaves nothing behind.
Async tests wait without blocking their loop with `await asyncio.to_thread(manager.wait_http_ok, url)`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from petcare_tools.embedded.proc import log_tail, spawn, stop_tree


class ProcessError(RuntimeError):
    """A managed process exited or did not become ready."""


@dataclass
class ManagedProcess:
    name: str
    log_path: Path
    popen: subprocess.Popen[bytes]
    stopping: bool = field(default=False)
    """Set when we stop or signal it on purpose, so its exit is not reported as unexpected."""

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    @property
    def is_running(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        return log_tail(self.log_path, lines)

    def exit_report(self, context: str = "") -> str:
        """`<name> exited with code N <context>` and its log tail."""
        header = f"{self.name} exited with code {self.returncode} {context}"
        return f"{header}\nlog {self.log_path}:\n{self.log_tail()}"


class ProcessManager:
    """Starts named processes (cwd `cwd`, env = ours + additions, logs under `log_dir`)."""

    def __init__(self, log_dir: Path, cwd: Path | None = None) -> None:
        self.log_dir = log_dir
        self.cwd = cwd
        self._processes: dict[str, ManagedProcess] = {}

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None) -> ManagedProcess:
        """Start `argv` as `name`, logging to `<log_dir>/<name>.log`. A name may be reused once
        its process has exited (a restart): the log then continues after a separator line."""
        previous = self._processes.get(name)
        if previous is not None and previous.is_running:
            raise ProcessError(f"{name} is already running (pid {previous.pid})")
        log_path = self.log_dir / f"{name}.log"
        if previous is None:
            log_path.unlink(missing_ok=True)  # a log of an earlier run would mislead
        else:
            with log_path.open("a") as log:
                log.write(f"\n----- restarted: {' '.join(argv)} -----\n")
        child_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        popen = spawn(argv, log_path, env=child_env, cwd=self.cwd)
        process = ManagedProcess(name, log_path, popen)
        self._processes[name] = process
        return process

    def __getitem__(self, name: str) -> ManagedProcess:
        return self._processes[name]

    def wait_http_ok(self, url: str, timeout: float = 30.0, name: str | None = None) -> None:
        """Poll `url` until it answers 200. With `name`, fail at once (with its log tail) if that
        process exits meanwhile, instead of waiting out the timeout."""
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        with httpx.Client(timeout=2.0) as client:
            while True:
                if name is not None and not self._processes[name].is_running:
                    raise ProcessError(self._processes[name].exit_report(f"while waiting for {url}"))
                try:
                    response = client.get(url)
                    if response.status_code == 200:
                        return
                    last_error = f"HTTP {response.status_code}"
                except httpx.HTTPError as error:
                    last_error = repr(error)
                if time.monotonic() > deadline:
                    tail = f"\n{self._processes[name].log_tail()}" if name is not None else ""
                    raise ProcessError(f"{url} not OK after {timeout:.0f} s ({last_error}){tail}")
                time.sleep(0.1)

    def wait_for_log(self, name: str, text: str, timeout: float = 30.0) -> str:
        """Wait until the log of `name` contains `text`; returns the log. Fails at once if it exits."""
        process = self._processes[name]
        deadline = time.monotonic() + timeout
        while True:
            log = process.log_path.read_text(errors="replace") if process.log_path.exists() else ""
            if text in log:
                return log
            if not process.is_running:
                raise ProcessError(process.exit_report(f"before logging {text!r}"))
            if time.monotonic() > deadline:
                raise ProcessError(
                    f"{name} did not log {text!r} within {timeout:.0f} s:\n{process.log_tail()}"
                )
            time.sleep(0.1)

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        """Send `sig` to the process group of `name` (a crash test); after SIGKILL, wait until it is gone."""
        process = self._processes[name]
        process.stopping = True
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        if sig == signal.SIGKILL:
            process.popen.wait(60)  # a killed process is gone in milliseconds, unless the machine is swamped

    def stop(self, name: str, timeout: float = 10.0) -> None:
        """SIGTERM the process tree of `name`, SIGKILL after `timeout`, and wait until it is gone."""
        process = self._processes[name]
        process.stopping = True
        stop_tree(process.popen, sig=signal.SIGTERM, timeout=timeout)

    def stop_all(self, timeout: float = 10.0) -> None:
        """Stop every process, the last started first (services before what they depend on)."""
        errors = []
        for name in reversed(list(self._processes)):
            try:
                self.stop(name, timeout)
            except Exception as error:  # stop the others anyway
                errors.append(error)
        if errors:
            raise errors[0]

    def unexpected_exits(self) -> list[ManagedProcess]:
        """Processes that exited although nobody stopped or signalled them."""
        return [p for p in self._processes.values() if not p.stopping and not p.is_running]

    def log_tails(self, lines: int = 40) -> str:
        """Every process's log tail, for a failure report."""
        return "\n".join(
            f"===== {p.name} (pid {p.pid}, exit {p.returncode}) {p.log_path} =====\n{p.log_tail(lines)}"
            for p in self._processes.values()
        )
