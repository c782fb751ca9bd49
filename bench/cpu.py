"""CPU seconds used by each process of a benchmark over its measured window: shows which one is
saturated (1.0 = one full core) on this 2-core machine."""

from __future__ import annotations

import os
import time
from pathlib import Path

import psutil


def _cpu_seconds(pid: int, *, tree: bool) -> float:
    try:
        root = psutil.Process(pid)
        processes = [root, *(root.children(recursive=True) if tree else [])]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


class CpuMeter:
    """`start()` then `stop()`: cores used by each named pid (a tree: the pid and its children)
    between the two. Short-lived children that end inside the window are not counted."""

    def __init__(self, pids: dict[str, tuple[int | None, bool]], *,
                 profile: tuple[int, Path] | None = None) -> None:
        """`profile` (pid, path): also record a py-spy profile of that process over the window."""
        self.pids = {name: spec for name, spec in pids.items() if spec[0] is not None}
        self.pids.setdefault("bench process", (os.getpid(), False))
        self._start: dict[str, float] = {}
        self._t0 = 0.0
        self._profile = profile
        self._spy = None

    def start(self) -> None:
        if self._profile is not None:
            from bench.profiling import Spy

            self._spy = Spy(*self._profile)
            time.sleep(0.3)  # py-spy attaches
        self._t0 = time.monotonic()
        self._start = {name: _cpu_seconds(pid, tree=tree) for name, (pid, tree) in self.pids.items()}

    def stop(self) -> dict[str, float]:
        wall = max(time.monotonic() - self._t0, 1e-9)
        used = {name: round((_cpu_seconds(pid, tree=tree) - self._start[name]) / wall, 2)
                for name, (pid, tree) in self.pids.items()}
        if self._spy is not None:
            self._spy.stop()
        return used
