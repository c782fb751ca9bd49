"""Optional sampling profiles of the measured processes (`python -m bench.run --profile DIR`).

py-spy attaches to a running process (the relay, the reader) for a benchmark's measured window and
writes its raw collapsed stacks; a summary of the functions with the largest inclusive share of
samples is written beside it. SQLAlchemy's sync code runs in greenlets, which py-spy shows as
separate stacks: their share adds to the awaiting caller's.
"""

from __future__ import annotations

import collections
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from bench.common import log

_FRAME = re.compile(r"(.*?) \((.*?)(?::\d+)?\)$")
_SCAFFOLDING = re.compile(r"runpy|click/|uvicorn/|asyncio/(runners|base_events|events)\.py|relay_proc\.py")


def py_spy_binary() -> str | None:
    candidate = Path(sys.executable).with_name("py-spy")
    return str(candidate) if candidate.exists() else shutil.which("py-spy")


class Spy:
    def __init__(self, pid: int, path: Path, rate: int = 250) -> None:
        self.path = path
        binary = py_spy_binary()
        self._process = None
        if binary is None:
            log("py-spy is not installed: no profile (pip install -r requirements-dev.txt)")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [binary, "record", "--pid", str(pid), "--format", "raw", "--rate", str(rate), "--nonblocking",
             "--output", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.send_signal(signal.SIGINT)
        try:
            self._process.wait(30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self.path.exists():
            top = summarize(self.path)
            self.path.with_suffix(".top.txt").write_text(top)
            log(f"profile: {self.path} (summary {self.path.with_suffix('.top.txt')})")


def summarize(raw: Path, limit: int = 60) -> str:
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        names = []
        for frame in stack.split(";"):
            match = _FRAME.match(frame)
            if match:
                where = match.group(2).split("site-packages/")[-1].split("/work/main/")[-1]
                names.append(f"{match.group(1)} ({where})")
            else:
                names.append(frame)
        for name in set(names):
            inclusive[name] += count
        own[names[-1]] += count
    if not total:
        return "no samples\n"
    lines = [f"{total} samples (inclusive % of samples; greenlet stacks counted on their own)", ""]
    shown = 0
    for name, count in inclusive.most_common():
        if _SCAFFOLDING.search(name):
            continue
        lines.append(f"{100 * count / total:5.1f}%  {name}")
        shown += 1
        if shown >= limit:
            break
    lines += ["", "self time:"]
    lines += [f"{100 * count / total:5.1f}%  {name}" for name, count in own.most_common(25)]
    return "\n".join(lines) + "\n"
