"""`replay`, `export` and `import`: a range of a topic to a topic, to a file, and a file to topics
(R-REPLAY-1, -2, -6)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petcare_tools.replay import pipeline, records
from petcare_tools.replay.connection import Broker
from petcare_tools.replay.errors import BadInput
from petcare_tools.replay.inbox_check import already_applied
from petcare_tools.replay.output import Output, Report
from petcare_tools.replay.pipeline import Send
from petcare_tools.replay.ranges import Range
from petcare_tools.replay.reading import TopicReader
from petcare_tools.replay.records import Record
from petcare_tools.replay.selection import Filters, HeaderPolicy
from petcare_tools.replay.writing import Writer

PARTITIONING = ("same", "key")


@dataclass(frozen=True)
class Run:
    """What every command gets: the broker, --execute, --rate, and where to print."""

    broker: Broker
    execute: bool
    rate: float | None
    output: Output
    reports: list[Report] = field(default_factory=list)
    """Reports started by the command: the last one's counts go in the audit record if it fails."""
    context: Any = None
    """The command line's parsed parameters (typer.Context), for the audit record."""

    def report(self, command: str) -> Report:
        report = Report(command, self.execute)
        self.reports.append(report)
        return report


@dataclass(frozen=True)
class InboxCheck:
    """--inbox-db and --inbox-group: count what that group already applied."""

    url: str
    group: str


def check_partitioning(broker: Broker, partitioning: str, source_partitions: int, target: str) -> None:
    """`same` needs the target to have every source partition; BadInput otherwise."""
    if partitioning not in PARTITIONING:
        raise BadInput(f"--partitioning {partitioning!r}: expected one of {', '.join(PARTITIONING)}")
    count = broker.require_topic(target, "target topic")
    if partitioning == "same" and count < source_partitions:
        raise BadInput(f"{target} has {count} partitions, fewer than the source's {source_partitions}: "
                       "use --partitioning key")


def _in_range(range_: Range, filters: Filters, policy: HeaderPolicy, target: str | None, partitioning: str):
    def decide(record: Record) -> Send | str:
        reason = range_.in_window(record.timestamp) or filters.skip_reason(record)
        if reason:
            return reason
        return Send(policy.apply(record), target or record.topic,
                    record.partition if partitioning == "same" else None)

    return decide


def replay(run: Run, topic: str, range_: Range, filters: Filters, policy: HeaderPolicy, *, target: str | None,
           partitioning: str, keep_timestamps: bool, inbox: InboxCheck | None) -> Report:
    """Replay `range_` of `topic` to `target` (default: the same topic), filtered, headers per
    `policy`, each partition's order kept; timestamps kept only with `keep_timestamps`."""
    run.broker.require_topic(topic)
    check_partitioning(run.broker, partitioning, max(range_.starts, default=0) + 1, target or topic)
    report = run.report("replay")
    reader = TopicReader(run.broker, topic, range_)
    writer = Writer(run.broker, rate=run.rate, keep_timestamps=keep_timestamps) if run.execute else None
    ids = pipeline.run(reader.read(), _in_range(range_, filters, policy, target or topic, partitioning), report,
                       run.output, writer=writer, expected=lambda: reader.stats.expected,
                       collect_ids=inbox is not None)
    if reader.stats.scanned_from_beginning:
        report.notes.append(f"the time look-up was not trusted on partitions {reader.stats.scanned_from_beginning}: "
                            "read from their beginning, filtered by each record's timestamp")
    if inbox is not None:
        report.already_applied = {inbox.group: already_applied(inbox.url, inbox.group, ids)}
    return report


def export(run: Run, topic: str, range_: Range, filters: Filters, policy: HeaderPolicy, path: Path) -> Report:
    """Write `range_` of `topic` to `path` as JSON Lines (records.py). The file appears whole or not
    at all: written to a temporary file beside it, renamed at the end."""
    run.broker.require_topic(topic)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise BadInput(f"--output {path}: folder {directory} does not exist")
    report = run.report("export")
    reader = TopicReader(run.broker, topic, range_)
    decide = _in_range(range_, filters, policy, None, "same")
    if not run.execute:
        pipeline.run(reader.read(), decide, report, run.output, writer=None, expected=lambda: reader.stats.expected)
        return report
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file_writer = _FileWriter(file)
            pipeline.run(reader.read(), decide, report, run.output, writer=file_writer,  # type: ignore[arg-type]
                         expected=lambda: reader.stats.expected)
        os.replace(temporary, path)
        report.notes.append(f"written to {path}")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return report


class _FileWriter:
    """Writer's interface (write, close, delivered) onto a JSON Lines file."""

    def __init__(self, file: object) -> None:
        self.file = file
        self.delivered = 0

    def write(self, record: Record, topic: str, partition: int | None) -> None:
        self.file.write(records.to_json(record) + "\n")  # type: ignore[attr-defined]
        self.delivered += 1

    def close(self) -> int:
        return self.delivered


def read_file(path: Path) -> list[Record]:
    """Every record of a JSON Lines file (blank lines ignored); BadInput naming the first bad line,
    or an unreadable file, before anything is written."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read {path}: {error}") from error
    return [records.from_json(line, where=f"{path}:{number}")
            for number, line in enumerate(text.splitlines(), start=1) if line.strip()]


def import_file(run: Run, path: Path, filters: Filters, policy: HeaderPolicy, *, target: str | None,
                partitioning: str, keep_timestamps: bool) -> Report:
    """Write the records of `path` to their own topics (or `target`), each to its own partition
    (`same`) or by key, with their timestamps unless told otherwise. The whole file and every
    target topic are checked before the first write."""
    loaded = read_file(path)
    if partitioning not in PARTITIONING:
        raise BadInput(f"--partitioning {partitioning!r}: expected one of {', '.join(PARTITIONING)}")
    for topic in sorted({target or r.topic for r in loaded}):
        count = run.broker.require_topic(topic, "target topic")
        highest = max((r.partition for r in loaded if (target or r.topic) == topic), default=0)
        if partitioning == "same" and highest >= count:
            raise BadInput(f"{topic} has {count} partitions; the file has records of partition {highest}: "
                           "use --partitioning key")
    report = run.report("import")
    writer = Writer(run.broker, rate=run.rate, keep_timestamps=keep_timestamps) if run.execute else None
    window = Range()
    pipeline.run(loaded, _in_range(window, filters, policy, target, partitioning), report, run.output,
                 writer=writer, expected=lambda: len(loaded))
    return report
