"""`redrive`: a dead-letter topic back to each message's original topic (R-REPLAY-4).

Reads the kit's one dead-letter format (`petcare_kit.dead_letters`): the original key, value and
headers byte for byte, plus `dlq-reason` (`<error code>: <detail>`), `dlq-consumer-group`,
`dlq-original-topic`, `dlq-original-partition`, `dlq-original-offset`, `dlq-failed-at`. Each
selected record goes back to its original topic and partition (by key when that partition no
longer exists), with every `dlq-*` header dropped, so the consumer sees the message it failed on.
A message it has applied since (its id is in the group's inbox) is skipped by the consumer: a
record redriven twice is applied once (R-REPLAY-9).
"""

from __future__ import annotations

import re

from petcare_tools.replay import pipeline
from petcare_tools.replay.copying import InboxCheck, Run
from petcare_tools.replay.errors import BadInput
from petcare_tools.replay.inbox_check import already_applied
from petcare_tools.replay.output import Report
from petcare_tools.replay.pipeline import Send
from petcare_tools.replay.ranges import Range
from petcare_tools.replay.reading import TopicReader
from petcare_tools.replay.records import Record
from petcare_tools.replay.selection import Filters, HeaderPolicy, envelope_of
from petcare_tools.replay.writing import Writer

DLQ_PREFIX = "dlq-"
_POSITION = re.compile(r"^(\d+):(\d+)$")


def error_code(record: Record) -> str | None:
    """The code before the first colon of `dlq-reason` (`handler_failed`, `invalid_payload`, ...)."""
    reason = record.header("dlq-reason")
    return None if reason is None else reason.decode("utf-8", "replace").split(":", 1)[0].strip()


def parse_positions(items: list[str]) -> set[tuple[int, int]]:
    """`PARTITION:OFFSET` items naming dead letters in the DLQ topic."""
    positions = set()
    for item in items:
        match = _POSITION.match(item.strip())
        if not match:
            raise BadInput(f"--offset {item!r}: expected PARTITION:OFFSET of a record in the dead-letter topic")
        positions.add((int(match[1]), int(match[2])))
    return positions


def redrive(run: Run, dlq: str, *, positions: set[tuple[int, int]], codes: set[str], types: set[str],
            filters: Filters, inbox: InboxCheck | None) -> Report:
    """Send the selected dead letters of `dlq` back (all when no selection is given). `inbox`'s
    group defaults to the dead letters' own `dlq-consumer-group`."""
    partitions = run.broker.require_topic(dlq, "dead-letter topic")
    for partition, _ in positions:
        if partition >= partitions:
            raise BadInput(f"--offset {partition}:...: {dlq} has partitions 0..{partitions - 1}")
    topics = run.broker.partitions()
    policy = HeaderPolicy(always_drop_prefixes=(DLQ_PREFIX,))
    groups: set[str] = set()

    def decide(record: Record) -> Send | str:
        if positions and (record.partition, record.offset) not in positions:
            return "position not selected"
        original = record.header("dlq-original-topic")
        if original is None:
            return "not a dead letter (no dlq-original-topic header)"
        if codes and error_code(record) not in codes:
            return "error code not selected"
        if types:
            envelope = envelope_of(record)
            if envelope is None or envelope["type"] not in types:
                return "type not selected"
        reason = filters.skip_reason(record)
        if reason:
            return reason
        topic = original.decode()
        if topic not in topics:
            return f"original topic {topic} does not exist"
        group = record.header("dlq-consumer-group")
        if group:
            groups.add(group.decode())
        partition_header = record.header("dlq-original-partition")
        partition = int(partition_header) if partition_header and partition_header.isdigit() else None
        if partition is not None and partition >= topics[topic]:
            partition = None
        return Send(policy.apply(record), topic, partition)

    report = run.report("redrive")
    writer = Writer(run.broker, rate=run.rate, keep_timestamps=False) if run.execute else None
    reader = TopicReader(run.broker, dlq, Range(dict.fromkeys(range(partitions)), dict.fromkeys(range(partitions))))
    ids = pipeline.run(reader.read(), decide, report, run.output, writer=writer,
                       expected=lambda: reader.stats.expected, collect_ids=inbox is not None)
    if inbox is not None:
        names = [inbox.group] if inbox.group else sorted(groups)
        report.already_applied = {group: already_applied(inbox.url, group, ids) for group in names}
    return report
