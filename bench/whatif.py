"""What-if prototypes: the kit changes this benchmark suggested, measured beside the kit.
NOT the kit: nothing here is used by a service. The cached inbox/outbox statements and the batch
handlers (1 and 2 below, except buffering outbox rows until commit) have since gone into the kit,
so "kit" and "prototype" figures now measure nearly the same code; kept to compare future changes.
Each prototype keeps the kit's semantics
(same statements' effects, same transaction boundaries, same order) and changes only how the
work reaches PostgreSQL.

1. Cached statements, fewer round trips. `outbox.add_rows` and `inbox.claim` build
   `insert(table).values(<list of dicts>)`: SQLAlchemy cannot cache a multi-row VALUES built from
   literal rows (its log says "[no key]"), so every call compiles the statement afresh: for
   `UnitOfWork.publish` (one row) about half of its Python time, for a 500-message claim ~1,000
   bind parameters per batch.
   Prototype: `session.execute(<statement built once>, rows)` for the outbox (executemany) and
   `INSERT ... SELECT :group, unnest(:ids::uuid[]) ... RETURNING` for the inbox: compiled once.
   Further: UnitOfWork keeps its events' rows and inserts them all at commit (one executemany).
2. Batch handlers. BatchConsumer calls the handler once per message, so each message costs at
   least one database round trip in its handler. Prototype: `router.on_batch(Model)` registers a
   handler called once per run of consecutive new messages of that type in a batch (order kept;
   the isolated replay after a failure still goes message by message), so a service can write N
   state rows with one statement.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import psutil
from kitdemo.events import NoteAdded
from kitdemo.reader import build_event_router
from kitdemo.settings import KitdemoSettings
from kitdemo.tables import applied_notes
from petcare_contracts import Envelope, new_envelope
from petcare_kit import outbox
from petcare_kit.consumer import BatchConsumer, EventRouter, Incoming
from petcare_kit.context import current_correlation_id
from petcare_kit.db import create_engine, outbox_table, session_factory
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.types import Uuid

from bench.common import MB, TESTS_DIR, Infra, create_topic, delete_topics, log, summary, unique_name
from bench.consumer_bench import BATCH, PARTITIONS, Record, produce
from bench.outbox_bench import _note

# --- 1. cached statements ---------------------------------------------------------------------

OUTBOX_INSERT = insert(outbox_table).on_conflict_do_nothing(index_elements=["id"])
INBOX_CLAIM = text(
    "INSERT INTO inbox (consumer_group, message_id) SELECT :group, unnest(:ids) "
    "ON CONFLICT DO NOTHING RETURNING message_id"
).bindparams(bindparam("ids", type_=ARRAY(Uuid)))


async def publish_cached(uow: UnitOfWork, payload: Any, *, topic: str) -> Envelope:
    """UnitOfWork.publish with the outbox insert compiled once (executemany of the same rows)."""
    envelope = new_envelope(payload, company_id=None, correlation_id=current_correlation_id())
    row = outbox.envelope_row(envelope, topic=topic, key=payload.partition_key())
    await uow.session.execute(OUTBOX_INSERT, [row])
    return envelope


class BufferedUnitOfWork(UnitOfWork):
    """UnitOfWork whose publish() only builds the row; commit() inserts all of them with one
    executemany of the cached statement (one round trip per transaction, not per event), then
    commits. Same transaction, same rows, same all-or-nothing."""

    async def __aenter__(self) -> BufferedUnitOfWork:
        self._rows: list[dict] = []
        await super().__aenter__()
        return self

    async def publish(self, payload: Any, *, company_id: Any, topic: str | None = None, **_: Any) -> Envelope:
        envelope = new_envelope(payload, company_id=company_id, correlation_id=current_correlation_id())
        row = outbox.envelope_row(envelope, topic=topic or payload.topic, key=payload.partition_key())
        self._rows.append(row)
        return envelope

    async def commit(self) -> None:
        if self._rows:
            await self.session.execute(OUTBOX_INSERT, self._rows)
            self._rows = []
        await super().commit()


async def claim_cached(session: Any, consumer_group: str, message_ids: Any) -> set:
    ids = list(set(message_ids))
    if not ids:
        return set()
    return set((await session.execute(INBOX_CLAIM, {"group": consumer_group, "ids": ids})).scalars())


# --- 2. batch handlers ------------------------------------------------------------------------

BatchHandler = Callable[[UnitOfWork, list[tuple[Envelope, Any]]], Awaitable[None]]


class BatchRouter(EventRouter):
    def __init__(self) -> None:
        super().__init__()
        self._batch: dict[tuple[str, int], BatchHandler] = {}

    def on_batch(self, model: Any, single: Callable) -> Callable[[BatchHandler], BatchHandler]:
        """`single` is the per-message handler used by the isolated replay."""
        def register(handler: BatchHandler) -> BatchHandler:
            self._batch[(model.event_type, model.event_version)] = handler
            self.on(model)(single)
            return handler
        return register

    def batch_handler_for(self, envelope: Envelope) -> BatchHandler | None:
        return self._batch.get((envelope.type, envelope.version))


class PrototypeConsumer(BatchConsumer):
    """BatchConsumer with the cached inbox claim and, when the router has them, batch handlers."""

    async def _claim(self, uow: UnitOfWork, incoming: list[Incoming]) -> set:
        ids = [i.envelope.id for i in incoming if i.envelope and self.router.handler_for(i.envelope)]
        return await claim_cached(uow.session, self.group, ids)

    async def _apply(self, incoming: list[Incoming], *, isolated: bool) -> dict[str, int]:
        batch_for = getattr(self.router, "batch_handler_for", None)
        if isolated or batch_for is None:
            return await super()._apply(incoming, isolated=isolated)
        from petcare_kit.consumer import HandlerFailed
        from petcare_kit.transient import is_transient

        outcomes = {"handled": 0, "duplicate": 0, "ignored": 0, "dead_lettered": 0}
        async with UnitOfWork(self.sessions) as uow:
            new_ids = await self._claim(uow, incoming)
            run: list[tuple[Envelope, Any]] = []
            run_handler: BatchHandler | None = None

            async def flush() -> None:
                nonlocal run, run_handler
                if run and run_handler is not None:
                    try:
                        await run_handler(uow, run)
                    except Exception as error:
                        if is_transient(error):
                            raise
                        raise HandlerFailed(str(error)) from error
                run, run_handler = [], None

            for item in incoming:
                handler = batch_for(item.envelope) if item.envelope is not None else None
                if handler is None:
                    await flush()
                    outcome = await self._apply_one(uow, item, new_ids, isolated=False)
                    outcomes[outcome] += 1
                    continue
                if item.envelope.id not in new_ids:
                    outcomes["duplicate"] += 1
                    continue
                new_ids.discard(item.envelope.id)
                if handler is not run_handler:
                    await flush()
                    run_handler = handler
                run.append((item.envelope, item.payload))
                outcomes["handled"] += 1
            await flush()
            await uow.commit()
        return outcomes


UPSERT_NOTE = insert(applied_notes).on_conflict_do_update(
    index_elements=["note_id"], set_={"times_applied": applied_notes.c.times_applied + 1})


def batched_kitdemo_router() -> BatchRouter:
    """kitdemo's reader handler (same upsert, same effect), written once per run of notes."""
    single = build_event_router(KitdemoSettings()).handler_for(
        Envelope(type=NoteAdded.event_type, version=NoteAdded.event_version, company_id=None,
                 correlation_id="x", data={}))
    router = BatchRouter()

    @router.on_batch(NoteAdded, single)
    async def on_notes_added(uow: UnitOfWork, notes: list[tuple[Envelope, Any]]) -> None:
        await uow.session.execute(UPSERT_NOTE, [
            {"note_id": n.note_id, "key": n.key, "position": n.position, "times_applied": 1}
            for _, n in notes])

    return router


def create_app():
    """The kitdemo reader with the prototype consumer: `uvicorn --factory bench.whatif:create_app`."""
    import petcare_kit.runtime as runtime_module
    from kitdemo.reader import build_router
    from petcare_kit.app import create_service_app

    runtime_module.BatchConsumer = PrototypeConsumer  # ServiceRuntime builds its consumer from this name
    settings = KitdemoSettings()
    runtime = runtime_module.ServiceRuntime(settings, consumer_group=settings.group,
                                            consumes=[settings.topic], router=batched_kitdemo_router())
    return create_service_app(runtime, title="kitdemo reader (prototype consumer)", routers=[build_router()])


# --- measurements -----------------------------------------------------------------------------

async def _publish_rate(infra: Infra, count: int, tx_events: int, variant: str) -> float:
    url = await infra.fresh_database("bench_whatif_publish")
    engine = create_engine(url, pool_size=2)
    sessions = session_factory(engine)
    try:
        async def write(n: int) -> float:
            start = time.perf_counter()
            for s in range(0, n, tx_events):
                buffered = variant == "buffered_until_commit"
                unit = BufferedUnitOfWork(sessions) if buffered else UnitOfWork(sessions)
                async with unit as uow:
                    for i in range(s, s + tx_events):
                        if variant == "cached_statement":
                            await publish_cached(uow, _note(i), topic="bench")
                        else:
                            await uow.publish(_note(i), company_id=None, topic="bench")
                    await uow.commit()
            return n / (time.perf_counter() - start)
        await write(tx_events * 5)  # warm
        rate = await write(count)
        async with engine.connect() as connection:
            rows = await connection.scalar(text("SELECT count(*) FROM outbox"))
        if rows != count + tx_events * 5:
            raise AssertionError(f"publish prototype wrote {rows} rows, expected {count + tx_events * 5}")
        return rate
    finally:
        await engine.dispose()
        await infra.drop(url)


async def _handle_batch_rate(infra: Infra, records: list[Record], consumer_cls: type,
                             router: EventRouter) -> float:
    url = await infra.fresh_database("bench_whatif_consume")
    engine = create_engine(url)
    try:
        consumer = consumer_cls(group="bench-reader", topics=["bench"], sessions=session_factory(engine),
                                router=router)
        await consumer.handle_batch(records[:10])
        rest = records[10:]
        start = time.perf_counter()
        for i in range(0, len(rest), BATCH):
            await consumer.handle_batch(rest[i:i + BATCH])
        rate = len(rest) / (time.perf_counter() - start)
        async with engine.connect() as connection:
            applied = (await connection.execute(text(
                "SELECT count(*), coalesce(max(times_applied), 0) FROM applied_notes"))).one()
            inbox_rows = await connection.scalar(text("SELECT count(*) FROM inbox"))
        expected_applied = 0 if isinstance(router, _NoopRouter) else len(records)
        if applied[0] != expected_applied or applied[1] > 1 or inbox_rows != len(records):
            raise AssertionError(f"prototype run wrong: applied {applied}, inbox {inbox_rows}, "
                                 f"of {len(records)}")
        return rate
    finally:
        await engine.dispose()
        await infra.drop(url)


class _NoopRouter(EventRouter):
    def __init__(self) -> None:
        super().__init__()

        @self.on(NoteAdded)
        async def nothing(uow: UnitOfWork, envelope: Envelope, note: NoteAdded) -> None:
            return None


async def end_to_end_prototype(infra: Infra, messages: list, run_no: int) -> tuple[float, float]:
    """The end-to-end consumer run of consumer_bench, with the reader process using the prototype:
    (messages/s, the reader's RSS in MB 3 s after the last row)."""
    import asyncpg
    from petcare_kit.db import asyncpg_dsn
    from petcare_tools.embedded.ports import free_port

    count = len(messages)
    url = await infra.fresh_database("bench_whatif_reader")
    topic = await create_topic(infra.bootstrap_servers, unique_name("whatif-consumer"), PARTITIONS)
    await asyncio.to_thread(produce, infra.bootstrap_servers, topic, messages)
    assert infra.processes is not None
    name = f"whatif-reader-{run_no}"
    port = free_port()
    env = {"PYTHONPATH": str(TESTS_DIR), "KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap_servers,
           "ENVIRONMENT": "test", "KITDEMO_DATABASE_URL": url, "KITDEMO_TOPIC": topic,
           "KITDEMO_GROUP": f"{topic}-reader"}
    infra.processes.start(name, [sys.executable, "-m", "uvicorn", "--factory", "bench.whatif:create_app",
                                 "--host", "127.0.0.1", "--port", str(port), "--no-access-log"], env=env)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        first_t, first_count = 0.0, 0
        deadline = time.monotonic() + 180
        while True:
            seen = await connection.fetchval("SELECT count(*) FROM applied_notes")
            now = time.monotonic()
            if seen and not first_t:
                first_t, first_count = now, seen
            if seen >= count:
                break
            if now > deadline or not infra.processes[name].is_running:
                raise RuntimeError(f"prototype reader: {seen} of {count}; {infra.processes[name].log_tail()}")
            await asyncio.sleep(0.01)
        most = await connection.fetchval("SELECT max(times_applied) FROM applied_notes")
        if most != 1:
            raise AssertionError("prototype reader applied a note twice")
        await asyncio.sleep(3)
        rss = psutil.Process(infra.processes[name].pid).memory_info().rss / MB
        return (count - first_count) / (now - first_t), rss
    finally:
        await connection.close()
        infra.processes.stop(name)
        await delete_topics(infra.bootstrap_servers, [topic])
        await infra.drop(url)


async def run(infra: Infra, *, messages: list, publish_count: int, tx_events: int, repetitions: int) -> dict:
    records = [Record("bench", i % PARTITIONS, i, key, value, headers)
               for i, (key, value, headers) in enumerate(messages)]
    results: dict = {"note": "prototypes of suggested kit changes (bench/whatif.py), not the kit; the kit "
                             "as it is with kitdemo's handler is consumer.handle_batch_only_msgs_per_s"}
    publish: dict[str, list[float]] = {"kit": [], "cached_statement": [], "buffered_until_commit": []}
    for _ in range(repetitions):
        for variant, rates in publish.items():
            rates.append(await _publish_rate(infra, publish_count, tx_events, variant))
        log(f"what-if UnitOfWork.publish, {tx_events} events/tx: " + ", ".join(
            f"{k} {v[-1]:,.0f}/s" for k, v in publish.items()))
    results["unit_of_work_publish_events_per_s"] = {k: summary(v) for k, v in publish.items()}
    variants: dict[str, tuple[type, Callable[[], EventRouter]]] = {
        "cached_claim_kitdemo_handler": (PrototypeConsumer, lambda: build_event_router(KitdemoSettings())),
        "cached_claim_batch_handler": (PrototypeConsumer, batched_kitdemo_router),
        "kit_noop_handler": (BatchConsumer, _NoopRouter),
        "cached_claim_noop_handler": (PrototypeConsumer, _NoopRouter),
    }
    rates: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(repetitions):
        for label, (cls, make_router) in variants.items():
            rates[label].append(await _handle_batch_rate(infra, records, cls, make_router()))
        log("what-if handle_batch only: " + ", ".join(f"{k} {v[-1]:,.0f}/s" for k, v in rates.items()))
    results["handle_batch_only_msgs_per_s"] = {k: summary(v) for k, v in rates.items()}
    return results

