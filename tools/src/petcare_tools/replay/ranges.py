"""What part of a topic to read: offsets per partition and/or a time window (parsed from the
command line, checked against the topic before anything is read or written)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from petcare_tools.replay.errors import BadInput

_OFFSETS = re.compile(r"^(\d+)(?::(\d*)-(\d*))?$")


@dataclass(frozen=True)
class Range:
    """`starts`/`ends` map each partition to read to its first and last offset (inclusive); None
    means the partition's beginning / its end when reading starts. `since_ms`/`until_ms`: the time
    window (inclusive, ms since the epoch) on each record's own timestamp."""

    starts: dict[int, int | None] = field(default_factory=dict)
    ends: dict[int, int | None] = field(default_factory=dict)
    since_ms: int | None = None
    until_ms: int | None = None

    def in_window(self, timestamp: int | None) -> str | None:
        """None when a record with this timestamp is inside the window, else the skip reason."""
        if self.since_ms is not None and (timestamp is None or timestamp < self.since_ms):
            return "before the time window"
        if self.until_ms is not None and (timestamp is None or timestamp > self.until_ms):
            return "after the time window"
        return None


def parse_time(text: str, option: str) -> int:
    """ISO 8601 (UTC when it names no zone; a date alone is its midnight) or ms since the epoch."""
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise BadInput(f"{option} {text!r}: not an ISO 8601 time (2026-11-30T08:00:00Z) nor ms since the epoch") \
            from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def parse_range(offsets: list[str], partitions: int, since: str | None, until: str | None) -> Range:
    """`offsets`: items `P` (all of partition P), `P:START-END`, `P:START-` or `P:-END` (inclusive);
    none means every partition whole. BadInput for a partition the topic lacks, END < START, a
    window that ends before it starts, or a malformed item."""
    starts: dict[int, int | None] = {}
    ends: dict[int, int | None] = {}
    for item in offsets:
        match = _OFFSETS.match(item.strip())
        if not match:
            raise BadInput(f"--offsets {item!r}: expected PARTITION or PARTITION:START-END (START or END may be empty)")
        partition = int(match[1])
        if partition >= partitions:
            raise BadInput(f"--offsets {item!r}: the topic has partitions 0..{partitions - 1}")
        if partition in starts:
            raise BadInput(f"--offsets names partition {partition} twice")
        start = int(match[2]) if match[2] else None
        end = int(match[3]) if match[3] else None
        if start is not None and end is not None and end < start:
            raise BadInput(f"--offsets {item!r}: the end is before the start")
        starts[partition], ends[partition] = start, end
    if not offsets:
        starts = dict.fromkeys(range(partitions))
        ends = dict.fromkeys(range(partitions))
    since_ms = parse_time(since, "--since") if since else None
    until_ms = parse_time(until, "--until") if until else None
    if since_ms is not None and until_ms is not None and until_ms < since_ms:
        raise BadInput(f"--until {until} is before --since {since}")
    return Range(starts, ends, since_ms, until_ms)
