"""`petcare-replay`: the command line (typer). Thin: options are parsed into the command modules'
inputs, and `_execute` turns the outcome into output, an audit record and an exit code.

Exit codes (errors.py): 0 done (or dry run), 1 the broker/database failed part-way, 2 bad input
(found before anything is written), 3 refused (rewind of a group with live members).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from petcare_tools.replay import copying
from petcare_tools.replay.audit import AUDIT_TOPIC, audit_record, publish_audit
from petcare_tools.replay.connection import Broker, bootstrap_from
from petcare_tools.replay.copying import InboxCheck, Run
from petcare_tools.replay.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_REFUSED, BadInput, Failed, Refused
from petcare_tools.replay.output import Output, Report
from petcare_tools.replay.ranges import parse_range
from petcare_tools.replay.selection import Filters, HeaderPolicy

app = typer.Typer(name="petcare-replay", no_args_is_help=True, add_completion=False,
                  help="Replay, redrive, rewind, export/import and republish Kafka topics. "
                       "Every command is a dry run until --execute.")

Bootstrap = Annotated[str | None, typer.Option("--bootstrap", "-b", help="host:port[,...]; default "
                                               "$KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092")]
Execute = Annotated[bool, typer.Option("--execute", help="write (without it: a dry run that writes nothing)")]
Rate = Annotated[float | None, typer.Option("--rate", min=0.001, help="at most this many messages per second")]
Reason = Annotated[str | None, typer.Option("--reason", help="why (kept in the audit record)")]
AuditTopic = Annotated[str, typer.Option("--audit-topic", help="where audit records go")]
Offsets = Annotated[list[str] | None, typer.Option("--offsets", "-o", help="PARTITION[:START-END] (inclusive; "
                                                   "START or END may be empty); repeat; default all partitions")]
Since = Annotated[str | None, typer.Option("--since", help="records with a timestamp at or after this "
                                           "(ISO 8601, UTC unless a zone is given, or ms since the epoch)")]
Until = Annotated[str | None, typer.Option("--until", help="records with a timestamp at or before this")]
Types = Annotated[list[str] | None, typer.Option("--type", help="envelope type to keep (repeat)")]
Companies = Annotated[list[str] | None, typer.Option("--company", help="envelope company_id to keep (repeat)")]
Keys = Annotated[list[str] | None, typer.Option("--key", help="record key to keep (repeat)")]
HeaderFilter = Annotated[list[str] | None, typer.Option("--header", help="NAME or NAME=VALUE the record must "
                                                        "carry (repeat)")]
DropHeaders = Annotated[list[str] | None, typer.Option("--drop-header", help="header not to re-send "
                                                       "(NAME or PREFIX*; repeat)")]
KeepHeaders = Annotated[list[str] | None, typer.Option("--keep-header", help="re-send only these headers "
                                                       "(NAME or PREFIX*; repeat)")]
Partitioning = Annotated[str, typer.Option("--partitioning", help="same: the record's partition number; "
                                           "key: chosen by key (murmur2, as our services)")]
InboxDb = Annotated[str | None, typer.Option("--inbox-db", help="a consuming service's database URL: report "
                                             "how many selected messages its group already applied")]
InboxGroup = Annotated[str | None, typer.Option("--inbox-group", help="that service's consumer group")]


def _execute(context: typer.Context, command: str, bootstrap: str | None, execute: bool, reason: str | None,
             audit_topic: str, body: Callable[[Run], Report]) -> None:
    output = Output()
    started = datetime.now(UTC)
    run = Run(Broker(bootstrap_from(bootstrap)), execute, None, output, context=context)
    report: Report | None = None
    try:
        report = body(run)
    except BadInput as error:
        output.error(str(error))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Refused as error:
        output.error(str(error))
        raise typer.Exit(EXIT_REFUSED) from None
    except Failed as error:
        output.error(str(error))
        if execute:
            counts = run.reports[-1].summary() if run.reports else {}
            _audit(run, command, started, f"failed: {error}", counts, reason, audit_topic)
        raise typer.Exit(EXIT_FAILED) from None
    output.report(report)
    if execute:
        _audit(run, command, started, "done", report.summary(), reason, audit_topic)


def _audit(run: Run, command: str, started: datetime, outcome: str, counts: dict, reason: str | None,
           topic: str) -> None:
    record = audit_record(command, started_at=started, outcome=outcome, counts=counts, reason=reason,
                          argv=_command_line(command, run.context))
    try:
        publish_audit(run.broker, record, topic)
    except Exception as error:  # the record is still printed: the output is the other copy
        run.output.error(f"the audit record could not be published to {topic}: {error}")
    run.output.audit(record)


def _command_line(command: str, context: typer.Context) -> list[str]:
    """The command as given (from the parsed options, so it reads the same however it was invoked)."""
    words = [command]
    for param in context.command.params:
        value = context.params.get(param.name or "")
        if param.default is not None and value == param.default and not param.param_type_name == "argument":
            continue
        option = max(param.opts, key=len)
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is None or item is False:
                continue
            if param.param_type_name == "argument":
                words.append(str(item))
            else:
                words += [option] if item is True else [option, str(item)]
    return words


def _policy(drop: list[str] | None, keep: list[str] | None, always_drop: tuple[str, ...] = ()) -> HeaderPolicy:
    return HeaderPolicy(tuple(drop or ()), tuple(keep or ()), always_drop)


def _inbox(url: str | None, group: str | None) -> InboxCheck | None:
    if url is None:
        return None
    if not group:
        raise BadInput("--inbox-db needs --inbox-group (the consumer group whose inbox to look in)")
    return InboxCheck(url, group)


def _with_rate(run: Run, rate: float | None) -> Run:
    return Run(run.broker, run.execute, rate, run.output, run.reports, run.context)


@app.command()
def replay(ctx: typer.Context, topic: Annotated[str, typer.Argument(help="the topic to read")],
           to: Annotated[str | None, typer.Option("--to", help="target topic (default: the same)")] = None,
           offsets: Offsets = None, since: Since = None, until: Until = None,
           type_: Types = None, company: Companies = None, key: Keys = None, header: HeaderFilter = None,
           drop_header: DropHeaders = None, keep_header: KeepHeaders = None,
           keep_timestamps: Annotated[bool, typer.Option("--keep-timestamps", help="re-send with each "
                                                         "record's original timestamp")] = False,
           partitioning: Partitioning = "same", inbox_db: InboxDb = None, inbox_group: InboxGroup = None,
           bootstrap: Bootstrap = None, execute: Execute = False, rate: Rate = None, reason: Reason = None,
           audit_topic: AuditTopic = AUDIT_TOPIC) -> None:
    """Replay a range of TOPIC (offsets per partition and/or a time window) to the same or another topic."""
    def body(run: Run) -> Report:
        range_ = parse_range(offsets or [], run.broker.require_topic(topic), since, until)
        return copying.replay(_with_rate(run, rate), topic, range_,
                              Filters.of(type_ or [], company or [], key or [], header or []),
                              _policy(drop_header, keep_header), target=to, partitioning=partitioning,
                              keep_timestamps=keep_timestamps, inbox=_inbox(inbox_db, inbox_group))

    _execute(ctx, "replay", bootstrap, execute, reason, audit_topic, body)


@app.command()
def export(ctx: typer.Context, topic: Annotated[str, typer.Argument(help="the topic to read")],
           output: Annotated[Path, typer.Option("--output", "-f", help="the JSON Lines file to write")],
           offsets: Offsets = None, since: Since = None, until: Until = None,
           type_: Types = None, company: Companies = None, key: Keys = None, header: HeaderFilter = None,
           bootstrap: Bootstrap = None, execute: Execute = False, reason: Reason = None,
           audit_topic: AuditTopic = AUDIT_TOPIC) -> None:
    """Export a range of TOPIC to a JSON Lines file (kcat -J field names; binary as base64)."""
    def body(run: Run) -> Report:
        range_ = parse_range(offsets or [], run.broker.require_topic(topic), since, until)
        return copying.export(run, topic, range_, Filters.of(type_ or [], company or [], key or [], header or []),
                              HeaderPolicy(), output)

    _execute(ctx, "export", bootstrap, execute, reason, audit_topic, body)


@app.command("import")
def import_(ctx: typer.Context,
            path: Annotated[Path, typer.Argument(help="a JSON Lines file written by export (or kcat -J)")],
            to: Annotated[str | None, typer.Option("--to", help="target topic (default: each record's own)")] = None,
            type_: Types = None, company: Companies = None, key: Keys = None, header: HeaderFilter = None,
            drop_header: DropHeaders = None, keep_header: KeepHeaders = None,
            new_timestamps: Annotated[bool, typer.Option("--new-timestamps", help="stamp records now instead "
                                                         "of with their exported timestamps")] = False,
            partitioning: Partitioning = "same", bootstrap: Bootstrap = None, execute: Execute = False,
            rate: Rate = None, reason: Reason = None, audit_topic: AuditTopic = AUDIT_TOPIC) -> None:
    """Import a JSON Lines file: each record to its topic and partition, byte for byte, timestamps kept."""
    def body(run: Run) -> Report:
        return copying.import_file(_with_rate(run, rate), path,
                                   Filters.of(type_ or [], company or [], key or [], header or []),
                                   _policy(drop_header, keep_header), target=to, partitioning=partitioning,
                                   keep_timestamps=not new_timestamps)

    _execute(ctx, "import", bootstrap, execute, reason, audit_topic, body)


def main() -> None:
    """The console script's entry point."""
    app()


from petcare_tools.replay import cli_ops  # noqa: E402,F401  (registers redrive, rewind, republish on `app`)
