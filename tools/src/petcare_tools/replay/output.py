"""What the tool prints: the plan or result (counts per partition, samples, what is skipped), a
progress bar with rate and ETA on a terminal and plain lines otherwise (R-REPLAY-3, R-REPLAY-8)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from petcare_tools.replay.records import Record
from petcare_tools.replay.selection import envelope_of

SAMPLES = 5
PLAIN_PROGRESS_EVERY_SECONDS = 2.0


@dataclass
class Report:
    """Counts of one command: per (topic, partition) read/selected (source side), written per target
    (topic, partition), skips per reason, a few samples of what goes and of what is skipped."""

    command: str
    execute: bool
    read: Counter[tuple[str, int]] = field(default_factory=Counter)
    selected: Counter[tuple[str, int]] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    targets: Counter[tuple[str, int | None]] = field(default_factory=Counter)
    written: int = 0
    samples: list[str] = field(default_factory=list)
    skipped_samples: list[str] = field(default_factory=list)
    already_applied: dict[str, int] | None = None
    notes: list[str] = field(default_factory=list)
    plan: dict[str, Any] | None = None
    """rewind's plan per partition ({"from", "to"}), instead of record counts."""

    def saw(self, record: Record) -> None:
        self.read[(record.topic, record.partition)] += 1

    def select(self, record: Record, topic: str, partition: int | None) -> None:
        self.selected[(record.topic, record.partition)] += 1
        self.targets[(topic, partition)] += 1
        if len(self.samples) < SAMPLES:
            self.samples.append(f"{describe(record)} -> {topic}" + ("" if partition is None else f"[{partition}]"))

    def skip(self, record: Record, reason: str) -> None:
        self.skipped[reason] += 1
        if len(self.skipped_samples) < SAMPLES:
            self.skipped_samples.append(f"{describe(record)}: {reason}")

    @property
    def total_selected(self) -> int:
        return sum(self.selected.values())

    def summary(self) -> dict[str, Any]:
        """The counts as JSON-able data (for the audit record)."""
        if self.plan is not None:
            return {"plan": self.plan}
        return {
            "read": sum(self.read.values()), "selected": self.total_selected, "written": self.written,
            "skipped": dict(self.skipped),
            "per_partition": {f"{t}[{p}]": {"read": n, "selected": self.selected[(t, p)]}
                              for (t, p), n in sorted(self.read.items())},
            **({"already_applied": self.already_applied} if self.already_applied is not None else {}),
        }


def describe(record: Record) -> str:
    """`topic[p]@offset key=... type=... 312 B` for samples."""
    envelope = envelope_of(record)
    kind = f" type={envelope['type']}" if envelope else ""
    key = "null" if record.key is None else record.key.decode("utf-8", "replace")[:40]
    return f"{record.topic}[{record.partition}]@{record.offset} key={key}{kind} {record.size} B"


class Output:
    """Rich tables and a progress bar on a terminal; plain lines (still readable in logs) otherwise."""

    def __init__(self) -> None:
        self.console = Console(highlight=False, soft_wrap=True)
        self.errors = Console(stderr=True, highlight=False, soft_wrap=True)
        self.tty = self.errors.is_terminal
        """A progress bar when stderr is a terminal; plain progress lines on stdout otherwise."""

    def line(self, text: str) -> None:
        self.console.print(text, markup=False)

    def error(self, text: str) -> None:
        self.errors.print(f"error: {text}", markup=False)

    def report(self, report: Report) -> None:
        mode = "EXECUTED" if report.execute else "DRY RUN (nothing written; add --execute to write)"
        self.line(f"{report.command}: {mode}")
        if report.plan is not None:
            for note in report.notes:
                self.line(f"note: {note}")
            return
        if self.tty:
            table = Table("source", "read", "selected")
            for (topic, partition), count in sorted(report.read.items()):
                table.add_row(f"{topic}[{partition}]", str(count), str(report.selected[(topic, partition)]))
            self.console.print(table)
        else:
            for (topic, partition), count in sorted(report.read.items()):
                where = topic if partition < 0 else f"{topic}[{partition}]"  # < 0: not from a topic (outbox)
                self.line(f"  {where}: read {count}, selected {report.selected[(topic, partition)]}")
        targets = ", ".join(f"{t}" + ("" if p is None else f"[{p}]") + f": {n}"
                            for (t, p), n in sorted(report.targets.items(), key=lambda item: (item[0][0],
                                                                                             item[0][1] or -1)))
        verb = "written" if report.execute else "would write"
        self.line(f"selected {report.total_selected} of {sum(report.read.values())} read; {verb}: "
                  f"{report.written if report.execute else report.total_selected} ({targets or 'nothing'})")
        if report.skipped:
            self.line(("skipped: " if report.execute else "would skip: ")
                      + ", ".join(f"{n} {reason}" for reason, n in report.skipped.most_common()))
        for sample in report.samples:
            self.line(f"  sample: {sample}")
        for sample in report.skipped_samples:
            self.line(f"  skipped: {sample}")
        if report.already_applied is not None:
            for group, count in report.already_applied.items():
                self.line(f"already applied by {group}: {count} of {report.total_selected} "
                          "(its consumers will skip them: inbox)")
        for note in report.notes:
            self.line(f"note: {note}")

    def audit(self, record: dict[str, Any]) -> None:
        self.line(f"audit: {json.dumps(record, sort_keys=True)}")

    @contextmanager
    def progress(self, what: str, total: int | None) -> Iterator[ProgressTick]:
        if self.tty:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TaskProgressColumn(), RateColumn(), TimeRemainingColumn(),
                          console=self.errors, transient=True) as bar:
                task = bar.add_task(what, total=total)
                yield ProgressTick(lambda n, t: bar.update(task, completed=n, total=t))
        else:
            started = time.monotonic()
            state = {"next": started + PLAIN_PROGRESS_EVERY_SECONDS}

            def plain(done: int, total_now: int | None) -> None:
                now = time.monotonic()
                if now >= state["next"]:
                    state["next"] = now + PLAIN_PROGRESS_EVERY_SECONDS
                    rate = done / max(now - started, 1e-6)
                    of = f"/{total_now}" if total_now else ""
                    self.line(f"progress: {what} {done}{of} ({rate:,.0f} msg/s)")

            yield ProgressTick(plain)


class RateColumn(ProgressColumn):
    """Messages per second (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.0f} msg/s" if task.speed else "- msg/s")


class ProgressTick:
    """`tick(done, total)` updates the bar (or prints a line every 2 s)."""

    def __init__(self, update: Any) -> None:
        self._update = update

    def tick(self, done: int, total: int | None = None) -> None:
        self._update(done, total)
