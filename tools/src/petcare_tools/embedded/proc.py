"""Starting and stopping child processes so that none outlives the run that started it.

Every child starts in its own session (so its own process group): Ctrl-C in a terminal then
reaches only the launcher or pytest, which stop children in a chosen order instead of all
at once, and a whole group can be killed when a polite stop times out.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import psutil

Process = subprocess.Popen[bytes] | psutil.Process


def spawn(
    argv: Sequence[str | os.PathLike[str]],
    log_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
) -> subprocess.Popen[bytes]:
    """Start `argv` in a new session with stdout and stderr appended to `log_path`.

    `user` (needs root) runs it as that account, with that account's group only.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [os.fspath(arg) for arg in argv],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=None if env is None else dict(env),
            cwd=cwd,
            start_new_session=True,
            **run_as(user),
        )


def stop_tree(
    process: Process,
    *,
    sig: signal.Signals = signal.SIGTERM,
    timeout: float = 10.0,
    whole_group: bool = True,
) -> None:
    """Send `sig`, wait up to `timeout` s for the process to exit, then SIGKILL what is left.

    `whole_group=False` signals only the process itself: a PostgreSQL postmaster must get the
    shutdown signal alone and stop its backends itself. Descendants are listed before the
    signal, so children that left the group (or were orphaned) are killed too.
    """
    if isinstance(process, subprocess.Popen) and process.poll() is not None:
        return  # exited and reaped: its pid may belong to someone else by now
    try:
        descendants = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return
    leader = _is_group_leader(process.pid)
    _signal(process.pid, sig, group=whole_group and leader)
    if not _wait(process, timeout):
        _signal(process.pid, signal.SIGKILL, group=leader)
        _wait(process, 5.0)
    survivors = [child for child in descendants if child.is_running()]
    for child in survivors:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(survivors, timeout=5.0)


def log_tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a log file, for error messages ("" when there is none)."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def run_as(user: str | None) -> dict[str, Any]:
    """subprocess keyword arguments that run a child as `user` with only that user's group."""
    if user is None:
        return {}
    return {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []}


def _is_group_leader(pid: int) -> bool:
    """Only a process started by `spawn` leads its group; never signal someone else's group."""
    try:
        return os.getpgid(pid) == pid
    except ProcessLookupError:
        return False


def _signal(pid: int, sig: signal.Signals, *, group: bool) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)


def _wait(process: Process, timeout: float) -> bool:
    """Wait for exit (reaping our own children); False on timeout."""
    try:
        process.wait(timeout)
    except (subprocess.TimeoutExpired, psutil.TimeoutExpired):
        return False
    except psutil.NoSuchProcess:
        pass
    return True
