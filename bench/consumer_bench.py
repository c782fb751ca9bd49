"""The consumer path: Kafka records → BatchConsumer.handle_batch → inbox rows + one state row per
message, one commit per batch.

- end to end: N valid `kitdemo.note.added` envelopes (key and headers as the relay sets them) are
  produced to a fresh 8-partition topic first; then the kitdemo reader starts as a real uvicorn
  process (ServiceRuntime: a FastStream batch subscriber, 500 records at most per batch, driving
  BatchConsumer). Its handler upserts one `applied_notes` row per message. The bench polls the
  reader's database every 10 ms: the rate is counted from the first poll that sees committed rows
  to the one that sees all N (the group join and process start-up are reported apart).
  Every run checks N state rows, N inbox rows, each note applied once.
- bare database work (the baseline): the same inbox and state rows, written with asyncpg alone in
  transactions of 500 (the inbox claim as the kit sends it, `inbox.claim_batch`: one unnest INSERT
  answering the ids seen before; the state rows as the kitdemo handler sends them, one upsert run
  as executemany; then COMMIT), from this process.
  Also with the state rows as one unnest statement: the floor of the database's own cost.
- handle_batch only: the same records, already in memory, handed to BatchConsumer.handle_batch
  in batches of 500 in this process: the kit's own cost without Kafka and FastStream.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import psutil
from confluent_kafka import Producer
from kitdemo.events import NoteAdded
from kitdemo.reader import build_event_router
from kitdemo.settings import KitdemoSettings
from petcare_contracts import envelope_headers, new_envelope
from petcare_kit.consumer import BatchConsumer
from petcare_kit.db import asyncpg_dsn, create_engine, session_factory
from suite.kitdemo_harness import Kitdemo

from bench.common import MB, Infra, create_topic, delete_topics, log, summary, unique_name
from bench.cpu import CpuMeter

PARTITIONS = 8
BATCH = 500  # ServiceSettings.consumer_batch_size
KEYS = [f"pet-{i:05d}" for i in range(1000)]


@dataclass(frozen=True)
class Record:
    """What BatchConsumer reads of an aiokafka ConsumerRecord."""

    topic: str
    partition: int
    offset: int
    key: bytes
    value: bytes
    headers: list


def make_messages(count: int) -> list[tuple[bytes, bytes, list]]:
    messages = []
    for i in range(count):
        note = NoteAdded(note_id=str(uuid.uuid4()), key=KEYS[i % len(KEYS)], position=i // len(KEYS),
                         text="x")
        envelope = new_envelope(note, company_id=None, correlation_id=str(uuid.uuid4()))
        messages.append((note.partition_key().encode(), envelope.model_dump_json().encode(),
                         envelope_headers(envelope)))
    return messages


def produce(bootstrap: str, topic: str, messages: list[tuple[bytes, bytes, list]]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
                         "enable.idempotence": False, "queue.buffering.max.messages": 1_000_000})
    for key, value, headers in messages:
        producer.produce(topic, value, key=key, headers=headers)
    if producer.flush(60):
        raise RuntimeError("pre-producing the consumer benchmark's messages failed")


async def _end_to_end_run(infra: Infra, messages: list, run_no: int,
                          profile_path: Path | None = None) -> dict:
    count = len(messages)
    url = await infra.fresh_database("bench_consumer")
    topic = await create_topic(infra.bootstrap_servers, unique_name("consumer"), PARTITIONS)
    await asyncio.to_thread(produce, infra.bootstrap_servers, topic, messages)
    assert infra.processes is not None
    kitdemo = Kitdemo(infra.processes, infra.bootstrap_servers, topic, f"{topic}-reader", url, url)
    name = f"reader-{run_no}"
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        spawned = time.monotonic()
        started = asyncio.create_task(kitdemo.start(name, "reader"))
        await asyncio.sleep(0)
        meter: CpuMeter | None = None
        first_t, first_count = 0.0, 0
        deadline = spawned + 180
        while True:
            seen = await connection.fetchval("SELECT count(*) FROM applied_notes")
            now = time.monotonic()
            if seen and not first_t:
                first_t, first_count = now, seen
                meter = CpuMeter({
                    "reader process": (infra.processes[name].pid, True),
                    "postgresql": (infra.postgres.pid if infra.postgres else None, True),
                    "broker": (infra.broker.pid if infra.broker else None, False),
                }, profile=(infra.processes[name].pid, profile_path) if profile_path else None)
                meter.start()
            if seen >= count:
                break
            if now > deadline or started.done() and started.exception():
                raise RuntimeError(f"only {seen} of {count} applied; {infra.processes[name].log_tail()}")
            await asyncio.sleep(0.01)
        cpu = meter.stop() if meter else {}
        await started  # /ready answered long ago
        applied = await connection.fetchrow(
            "SELECT count(*) AS notes, max(times_applied) AS most FROM applied_notes")
        inbox_rows = await connection.fetchval("SELECT count(*) FROM inbox")
        rate = (count - first_count) / (now - first_t) if now > first_t else float("inf")
        await asyncio.sleep(3)  # at rest again
        rss_after = psutil.Process(infra.processes[name].pid).memory_info().rss / MB
        return {
            "reader_rss_mb_after_run": rss_after,
            "msgs_per_s": rate,
            "seconds_first_to_last_row": now - first_t,
            "seconds_from_process_spawn": now - spawned,
            "rows_seen_at_first_poll": first_count,
            "cpu_cores": cpu,
            "all_applied_once": applied["notes"] == count and applied["most"] == 1 and inbox_rows == count,
        }
    finally:
        await connection.close()
        infra.processes.stop(name)
        await delete_topics(infra.bootstrap_servers, [topic])
        await infra.drop(url)


async def _handle_batch_run(infra: Infra, messages: list, profile_path: Path | None = None) -> float:
    url = await infra.fresh_database("bench_handle_batch")
    engine = create_engine(url)
    try:
        consumer = BatchConsumer(group="bench-reader", topics=["bench"], sessions=session_factory(engine),
                                 router=build_event_router(KitdemoSettings()))
        records = [Record("bench", i % PARTITIONS, i, key, value, headers)
                   for i, (key, value, headers) in enumerate(messages)]
        await consumer.handle_batch(records[:10])  # connections and statement caches warm
        records = records[10:]
        profiler = None
        if profile_path:
            import pyinstrument

            profiler = pyinstrument.Profiler(async_mode="enabled")
            profiler.start()
        start = time.perf_counter()
        for i in range(0, len(records), BATCH):
            await consumer.handle_batch(records[i:i + BATCH])
        elapsed = time.perf_counter() - start
        if profiler is not None:
            profiler.stop()
            await asyncio.to_thread(profile_path.write_text, profiler.output_text(unicode=False, color=False))
        return len(records) / elapsed
    finally:
        await engine.dispose()
        await infra.drop(url)


_CLAIM = ("WITH batch AS (SELECT unnest($2::uuid[]) AS id), "  # inbox.claim_batch's statement
          "claimed AS (INSERT INTO inbox (consumer_group, message_id) SELECT $1, id FROM batch "
          "ON CONFLICT DO NOTHING RETURNING message_id) "
          "SELECT id FROM batch EXCEPT SELECT message_id FROM claimed")
_APPLY = ("INSERT INTO applied_notes (note_id, key, position, times_applied) VALUES ($1, $2, $3, 1) "
          "ON CONFLICT (note_id) DO UPDATE SET times_applied = applied_notes.times_applied + 1")
_APPLY_UNNEST = ("INSERT INTO applied_notes (note_id, key, position, times_applied) "
                 "SELECT unnest($1::text[]), unnest($2::text[]), unnest($3::int[]), 1 "
                 "ON CONFLICT (note_id) DO UPDATE SET times_applied = applied_notes.times_applied + 1")


async def _bare_database_run(infra: Infra, messages: list, *, unnest: bool) -> float:
    """The consumer's database work alone (asyncpg, no Kafka, no decoding): msgs/s."""
    import json

    url = await infra.fresh_database("bench_bare_db")
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = []
        for _, value, _ in messages:
            envelope = json.loads(value)
            payload = envelope["data"]
            rows.append((uuid.UUID(envelope["id"]), payload["note_id"], payload["key"], payload["position"]))
        start = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            batch = rows[i:i + BATCH]
            async with connection.transaction():
                seen_before = await connection.fetch(_CLAIM, "bench-reader", [r[0] for r in batch])
                assert not seen_before
                if unnest:
                    await connection.execute(_APPLY_UNNEST, [r[1] for r in batch], [r[2] for r in batch],
                                             [r[3] for r in batch])
                else:
                    await connection.executemany(_APPLY, [r[1:] for r in batch])
        return len(rows) / (time.perf_counter() - start)
    finally:
        await connection.close()
        await infra.drop(url)


async def run(infra: Infra, *, count: int, repetitions: int, handle_batch_count: int,
              profile_dir: Path | None = None) -> dict:
    messages = make_messages(count)
    results: dict = {"messages": count, "partitions": PARTITIONS, "max_batch": BATCH,
                     "value_bytes_avg": round(sum(len(m[1]) for m in messages) / count)}
    runs = []
    for rep in range(repetitions):
        r = await _end_to_end_run(infra, messages, rep)
        runs.append(r)
        log(f"consumer end-to-end run {rep + 1}: {r['msgs_per_s']:,.0f} msgs/s ({count:,}: "
            f"{r['seconds_first_to_last_row']:.2f} s first→last row, {r['seconds_from_process_spawn']:.2f} s "
            f"from process spawn), all applied once: {r['all_applied_once']}, cpu {r['cpu_cores']}")
    results["end_to_end_msgs_per_s"] = summary([r["msgs_per_s"] for r in runs])
    results["seconds_from_process_spawn"] = summary([r["seconds_from_process_spawn"] for r in runs], 2)
    results["all_applied_once"] = all(r["all_applied_once"] for r in runs)
    results["cpu_cores"] = [r["cpu_cores"] for r in runs]
    results["reader_rss_mb_after_run"] = summary([r["reader_rss_mb_after_run"] for r in runs], 1)
    only = []
    for rep in range(repetitions):
        only.append(await _handle_batch_run(infra, messages[:handle_batch_count]))
        log(f"consumer handle_batch only run {rep + 1}: {only[-1]:,.0f} msgs/s")
    for label, unnest in (("bare_database_msgs_per_s", False), ("bare_database_unnest_msgs_per_s", True)):
        bare = []
        for rep in range(repetitions):
            bare.append(await _bare_database_run(infra, messages, unnest=unnest))
            log(f"consumer {label} run {rep + 1}: {bare[-1]:,.0f} msgs/s")
        results[label] = summary(bare)
    results["handle_batch_only_messages"] = handle_batch_count
    results["handle_batch_only_msgs_per_s"] = summary(only)
    if profile_dir is not None:  # extra runs, not in the figures: the profilers take CPU too
        r = await _end_to_end_run(infra, messages, 99, profile_dir / "reader-end-to-end.raw")
        log(f"consumer end-to-end, profiled run: {r['msgs_per_s']:,.0f} msgs/s")
        path = profile_dir / "handle-batch.pyinstrument.txt"
        rate = await _handle_batch_run(infra, messages[:handle_batch_count], path)
        log(f"consumer handle_batch only, profiled run: {rate:,.0f} msgs/s; profile {path}")
    return results
