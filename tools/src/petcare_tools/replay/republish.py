"""`republish`: a service's events from its own outbox archive, when the broker lost them (R-REPLAY-7).

The outbox keeps every published row for the retention period (7 days by default: `published_at`
set, purged afterwards). The tool reads the service's database (`--database-url`, else
`<PREFIX>DATABASE_URL` of the installed service named by `--service`), takes the published rows of
the window (on `created_at`: when the event was committed) in `seq` order, which is commit order,
and sends them as the relay did: same topic, key, value and headers, partition by key with the
murmur2 partitioner of the relay's client, one request in flight, so per-key order holds.
Consumers skip what they applied (the `message-id` header is the envelope id they record: R-REPLAY-9).

Afterwards the rows are marked published to the broker's current cluster (`outbox.published_to`),
so the relay, noticing a new cluster, does not send them a third time. Unpublished rows are left to
the relay. A topic the broker no longer has is created (with `--create-topics`) with its contract's
partition count, or refused before anything is sent.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime
from typing import Any

import asyncpg
from petcare_contracts import TOPICS
from petcare_contracts.topics import DEAD_LETTER_PARTITIONS
from petcare_kit.headers import headers_from_json

from petcare_tools.replay import pipeline
from petcare_tools.replay.copying import InboxCheck, Run
from petcare_tools.replay.errors import BadInput, Failed
from petcare_tools.replay.inbox_check import already_applied
from petcare_tools.replay.output import Report
from petcare_tools.replay.pipeline import Send
from petcare_tools.replay.records import Record
from petcare_tools.replay.writing import Writer


def database_url_of(service: str, database_url: str | None) -> str:
    """--database-url, else the installed service's `<PREFIX>DATABASE_URL` from the environment."""
    if database_url:
        return database_url
    from petcare_kit.service_spec import installed_services

    specs = {spec.name: spec for spec in installed_services()}
    if service not in specs:
        raise BadInput(f"--service {service!r} is not an installed service ({', '.join(sorted(specs))}); "
                       "give --database-url")
    variable = f"{specs[service].env_prefix}DATABASE_URL"
    url = os.environ.get(variable)
    if not url:
        raise BadInput(f"give --database-url or set {variable}")
    return url


async def _rows(url: str, since_ms: int | None, until_ms: int | None, topics: list[str]) -> list[Any]:
    try:
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1), timeout=10)
    except (OSError, asyncpg.PostgresError, ValueError) as error:
        raise BadInput(f"cannot connect to the service's database: {error}") from error
    conditions: list[str] = ["published_at IS NOT NULL"]
    args: list[Any] = []
    for column, op, value in (("created_at", ">=", since_ms), ("created_at", "<=", until_ms)):
        if value is not None:
            args.append(datetime.fromtimestamp(value / 1000, UTC))
            conditions.append(f"{column} {op} ${len(args)}")
    if topics:
        args.append(topics)
        conditions.append(f"topic = ANY(${len(args)}::text[])")
    try:
        return list(await connection.fetch(
            f"SELECT seq, id, topic, key, value, headers, published_at FROM outbox WHERE {' AND '.join(conditions)} "
            "ORDER BY seq", *args))
    except asyncpg.UndefinedTableError as error:
        raise BadInput("that database has no outbox table (not a service's database?)") from error
    finally:
        await connection.close()


async def _mark(url: str, ids: list[Any], cluster_id: str | None) -> None:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1), timeout=10)
    try:
        has_column = await connection.fetchval(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'outbox' AND column_name = 'published_to'")
        if has_column and cluster_id:
            await connection.execute("UPDATE outbox SET published_to = $2 WHERE id = ANY($1::uuid[])", ids, cluster_id)
    finally:
        await connection.close()


def _partitions_for(topic: str) -> int | None:
    if topic in TOPICS:
        return TOPICS[topic].partitions
    return DEAD_LETTER_PARTITIONS if topic.endswith(".dlq") else None


def republish(run: Run, service: str, database_url: str | None, *, since_ms: int | None, until_ms: int | None,
              topics: list[str], create_topics: bool, keep_timestamps: bool, inbox: InboxCheck | None) -> Report:
    """Send the archived rows again (see the module docstring)."""
    url = database_url_of(service, database_url)
    rows = asyncio.run(_rows(url, since_ms, until_ms, topics))
    existing = run.broker.partitions()
    missing = sorted({row["topic"] for row in rows} - set(existing))
    for topic in missing:
        count = _partitions_for(topic)
        if not create_topics or count is None:
            raise BadInput(f"topic {topic} does not exist on the broker" + (
                "; --create-topics creates it with its contract's partition count" if count else
                " and has no contract (create it first)"))
        if run.execute:
            run.broker.ensure_topic(topic, count)
    records = [Record(row["topic"], -1, row["seq"], row["key"], row["value"],
                      list(headers_from_json(json.loads(row["headers"]))),
                      int(row["published_at"].timestamp() * 1000)) for row in rows]

    def decide(record: Record) -> Send | str:
        return Send(record, record.topic, None)

    report = run.report("republish")
    writer = Writer(run.broker, rate=run.rate, keep_timestamps=keep_timestamps) if run.execute else None
    ids = pipeline.run(records, decide, report, run.output, writer=writer, expected=lambda: len(records),
                       collect_ids=inbox is not None)
    report.notes.append(f"{service}: {len(rows)} archived events in the window (outbox rows, in commit order)")
    if missing:
        report.notes.append(f"topics {'created' if run.execute else 'to create'}: {', '.join(missing)}")
    if run.execute:
        try:
            asyncio.run(_mark(url, [row["id"] for row in rows], run.broker.cluster_id()))
        except (OSError, asyncpg.PostgresError) as error:
            raise Failed(f"republished, but could not mark the rows published to this cluster: {error}") from error
    if inbox is not None:
        report.already_applied = {inbox.group: already_applied(inbox.url, inbox.group, ids)}
    return report
