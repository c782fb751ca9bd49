"""The loop every command shares: each source record is decided (written where, or skipped and why),
counted, and, only with --execute, written (R-REPLAY-3)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from petcare_tools.replay.output import Output, Report
from petcare_tools.replay.records import Record
from petcare_tools.replay.selection import message_id_of
from petcare_tools.replay.writing import Writer

TICK_EVERY = 500


@dataclass(frozen=True)
class Send:
    """Write `record` to `topic` (`partition` None: by key)."""

    record: Record
    topic: str
    partition: int | None


Decide = Callable[[Record], Send | str]
"""A Send, or the reason the record is skipped."""


def run(source: Iterable[Record], decide: Decide, report: Report, output: Output, *, writer: Writer | None,
        expected: Callable[[], int | None] = lambda: None, collect_ids: bool = False) -> list[str]:
    """Decide every record of `source`; write the chosen ones with `writer` (None: a dry run).
    Returns the selected records' message ids when `collect_ids` (for the inbox check).
    `report.written` is the number acknowledged, also when a write fails part-way (Failed)."""
    ids: list[str] = []
    seen = 0
    try:
        with output.progress(report.command, expected()) as progress:
            for record in source:
                report.saw(record)
                seen += 1
                decision = decide(record)
                if isinstance(decision, str):
                    report.skip(record, decision)
                else:
                    report.select(record, decision.topic, decision.partition)
                    if collect_ids and (message_id := message_id_of(decision.record)):
                        ids.append(message_id)
                    if writer is not None:
                        writer.write(decision.record, decision.topic, decision.partition)
                if seen % TICK_EVERY == 0:
                    progress.tick(seen, expected())
            progress.tick(seen, expected())
            if writer is not None:
                writer.close()
    finally:
        if writer is not None:
            report.written = writer.delivered
    return ids
