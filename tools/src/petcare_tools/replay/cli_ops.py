"""`redrive`, `rewind` and `republish` on the command line (registered on cli.app)."""

from __future__ import annotations

from typing import Annotated

import typer

from petcare_tools.replay import redrive as redriving
from petcare_tools.replay import republish as republishing
from petcare_tools.replay import rewind as rewinding
from petcare_tools.replay.audit import AUDIT_TOPIC
from petcare_tools.replay.cli import (
    AuditTopic,
    Bootstrap,
    Companies,
    Execute,
    HeaderFilter,
    InboxDb,
    InboxGroup,
    Keys,
    Rate,
    Reason,
    Since,
    Types,
    Until,
    _execute,
    _inbox,
    _with_rate,
    app,
)
from petcare_tools.replay.copying import InboxCheck, Run
from petcare_tools.replay.errors import BadInput
from petcare_tools.replay.output import Report
from petcare_tools.replay.ranges import parse_time
from petcare_tools.replay.selection import Filters


@app.command()
def redrive(ctx: typer.Context, dlq: Annotated[str, typer.Argument(help="the dead-letter topic (<group>.dlq)")],
            offset: Annotated[list[str] | None, typer.Option("--offset", help="PARTITION:OFFSET of a dead "
                                                             "letter to send back (repeat); default all")] = None,
            error_code: Annotated[list[str] | None, typer.Option("--error-code", help="dlq-reason code "
                                                                 "(handler_failed...; repeat)")] = None,
            type_: Types = None, company: Companies = None, key: Keys = None, header: HeaderFilter = None,
            inbox_db: InboxDb = None, inbox_group: InboxGroup = None,
            bootstrap: Bootstrap = None, execute: Execute = False, rate: Rate = None, reason: Reason = None,
            audit_topic: AuditTopic = AUDIT_TOPIC) -> None:
    """Send dead letters back to the topic each came from, without the dlq-* headers."""
    def body(run: Run) -> Report:
        inbox = _inbox(inbox_db, inbox_group) if inbox_group else (InboxCheck(inbox_db, "") if inbox_db else None)
        return redriving.redrive(_with_rate(run, rate), dlq, positions=redriving.parse_positions(offset or []),
                                 codes=set(error_code or []), types=set(type_ or []),
                                 filters=Filters.of([], company or [], key or [], header or []), inbox=inbox)

    _execute(ctx, "redrive", bootstrap, execute, reason, audit_topic, body)


@app.command()
def rewind(ctx: typer.Context, group: Annotated[str, typer.Argument(help="the consumer group")],
           topic: Annotated[str, typer.Argument(help="the topic whose offsets move (others are left alone)")],
           to_offset: Annotated[list[str] | None, typer.Option("--to-offset", help="OFFSET for every partition "
                                                               "or PARTITION:OFFSET (repeat)")] = None,
           to_time: Annotated[str | None, typer.Option("--to-time", help="the first record at or after this "
                                                       "time (ISO 8601 or ms since the epoch)")] = None,
           to_earliest: Annotated[bool, typer.Option("--to-earliest", help="each partition's first record")] = False,
           consumers_stopped: Annotated[bool, typer.Option("--consumers-stopped", help="every consumer of the group "
                                                           "is stopped: join even if the broker still lists "
                                                           "members (a live one is still detected)")] = False,
           bootstrap: Bootstrap = None, execute: Execute = False, reason: Reason = None,
           audit_topic: AuditTopic = AUDIT_TOPIC) -> None:
    """Move GROUP's committed offsets on TOPIC: the plan per partition; refused while GROUP has live members."""
    def body(run: Run) -> Report:
        report = run.report("rewind")
        plan, liveness = rewinding.rewind(run, group, topic, to_offset=to_offset or [],
                                          to_time_ms=parse_time(to_time, "--to-time") if to_time else None,
                                          to_earliest=to_earliest, consumers_stopped=consumers_stopped)
        report.notes.append(f"group {group}: state {liveness.state or 'unknown'}, {len(liveness.members)} member(s); "
                            + ("offsets committed" if run.execute else "dry run: nothing committed"))
        report.plan = {f"{topic}[{s.partition}]": {"from": s.committed, "to": s.target} for s in plan}
        return report

    _execute(ctx, "rewind", bootstrap, execute, reason, audit_topic, body)


@app.command()
def republish(ctx: typer.Context,
              service: Annotated[str, typer.Option("--service", help="the service whose outbox to re-send")],
              database_url: Annotated[str | None, typer.Option("--database-url", help="its database (default: "
                                                               "<PREFIX>DATABASE_URL)")] = None,
              since: Since = None, until: Until = None,
              topic: Annotated[list[str] | None, typer.Option("--topic", help="only rows for this topic "
                                                              "(repeat)")] = None,
              create_topics: Annotated[bool, typer.Option("--create-topics", help="create missing topics "
                                                          "with their contract's partition count")] = False,
              keep_timestamps: Annotated[bool, typer.Option("--keep-timestamps", help="stamp records with "
                                                            "when they were first published")] = False,
              inbox_db: InboxDb = None, inbox_group: InboxGroup = None,
              bootstrap: Bootstrap = None, execute: Execute = False, rate: Rate = None, reason: Reason = None,
              audit_topic: AuditTopic = AUDIT_TOPIC) -> None:
    """Re-send a service's published events from its own outbox archive (when the broker lost them)."""
    def body(run: Run) -> Report:
        since_ms = parse_time(since, "--since") if since else None
        until_ms = parse_time(until, "--until") if until else None
        if since_ms is not None and until_ms is not None and until_ms < since_ms:
            raise BadInput(f"--until {until} is before --since {since}")
        return republishing.republish(_with_rate(run, rate), service, database_url, since_ms=since_ms,
                                      until_ms=until_ms, topics=topic or [], create_topics=create_topics,
                                      keep_timestamps=keep_timestamps, inbox=_inbox(inbox_db, inbox_group))

    _execute(ctx, "republish", bootstrap, execute, reason, audit_topic, body)
