"""The outbox path: rows committed in PostgreSQL by the kit's writer code → published on Kafka by
the kit's OutboxRelay, running in its own process exactly as a service runs it.

Each run has a fresh database (kitdemo's migrations: the kit's outbox table and NOTIFY trigger) and
a fresh 8-partition topic (the suite's default partition count). The relay is started first and
waits on NOTIFY like an idle service; one warm-up event proves the path before the clock starts.

- backlog: N rows inserted with `outbox.envelope_row` + `outbox.add_rows` (1,000 per statement) in
  ONE transaction, so all N become visible at its commit. Clock: from just before COMMIT to the
  arrival of the last record on the topic (seen by a librdkafka consumer in a thread).
- concurrent writer: N events written with `UnitOfWork.publish` (one INSERT per event, as services
  do), `tx_events` per transaction, while the relay publishes. Clock: from the first COMMIT to the
  last record's arrival; the writer's own rate and the latency are reported too: occurred_at (the
  envelope's creation, just before its INSERT) → arrival, split at the record's CreateTime (set by
  the relay's producer at send) into "relay pickup" and "send to arrival".
Every run checks that exactly the N message ids arrived, each once.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

from kitdemo.events import NoteAdded
from petcare_contracts import new_envelope
from petcare_kit import outbox
from petcare_kit.db import asyncpg_dsn, create_engine, session_factory
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import text

from bench.common import Infra, create_topic, delete_topics, log, summary, unique_name, wait_until
from bench.cpu import CpuMeter
from bench.tail import TopicTail

PARTITIONS = 8
KEYS = [f"pet-{i:05d}" for i in range(1000)]
INSERT_CHUNK = 1000


def _note(i: int) -> NoteAdded:
    return NoteAdded(note_id=str(uuid.uuid4()), key=KEYS[i % len(KEYS)], position=i // len(KEYS), text="x")


def _message_id(headers: list) -> bytes | None:
    for name, value in headers:
        if name == "message-id":
            return value
    return None


async def _one_run(infra: Infra, *, mode: str, count: int, tx_events: int, run_no: int,
                   profile_path: Path | None = None) -> dict:
    url = await infra.fresh_database(f"bench_outbox_{mode}")
    topic = await create_topic(infra.bootstrap_servers, unique_name(f"outbox-{mode}"), PARTITIONS)
    engine = create_engine(url, pool_size=2)
    sessions = session_factory(engine)
    name = f"relay-{mode}-{run_no}"
    assert infra.processes is not None
    relay = infra.processes.start(name, [sys.executable, "-m", "bench.relay_proc", asyncpg_dsn(url),
                                         infra.bootstrap_servers])
    tail = TopicTail(infra.bootstrap_servers, topic, PARTITIONS)
    try:
        await asyncio.to_thread(infra.processes.wait_for_log, name, "outbox relay is the leader", 60)
        async with UnitOfWork(sessions) as uow:  # warm-up: relay, producer metadata, tail all working
            await uow.publish(_note(0), company_id=None, topic=topic)
            await uow.commit()
        await wait_until(lambda: tail.count >= 1, 30, "the warm-up event on the topic")
        await asyncio.sleep(0.3)

        meter = CpuMeter({
            "relay process": (relay.pid, False),
            "postgresql": (infra.postgres.pid if infra.postgres else None, True),
            "broker": (infra.broker.pid if infra.broker else None, False),
        }, profile=(relay.pid, profile_path) if profile_path else None)
        result: dict = {}
        if mode == "backlog":
            rows = []
            for i in range(count):
                note = _note(i)
                envelope = new_envelope(note, company_id=None, correlation_id=str(uuid.uuid4()))
                rows.append(outbox.envelope_row(envelope, topic=topic, key=note.partition_key()))
            async with UnitOfWork(sessions) as uow:
                for start in range(0, count, INSERT_CHUNK):
                    await outbox.add_rows(uow.session, rows[start:start + INSERT_CHUNK])
                meter.start()
                t0 = time.monotonic()
                await uow.commit()
        else:
            t0 = 0.0
            meter.start()
            write_start = time.monotonic()
            for start in range(0, count, tx_events):
                async with UnitOfWork(sessions) as uow:
                    for i in range(start, min(start + tx_events, count)):
                        await uow.publish(_note(i), company_id=None, topic=topic)
                    before = time.monotonic()
                    await uow.commit()
                    t0 = t0 or before
            result["writer_events_per_s"] = count / (time.monotonic() - write_start)
        await wait_until(lambda: tail.count >= count + 1, 180, f"{count} records on {topic}", interval=0.01)
        cpu = meter.stop()
        arrivals = tail.snapshot()
        t_last = max(a[0] for a in arrivals)
        result["events_per_s"] = count / (t_last - t0)
        result["seconds"] = t_last - t0
        result["cpu_cores"] = cpu
        if mode != "backlog":
            wall_offset = time.time() - time.monotonic()
            total, pickup, delivery = [], [], []
            for arrived, value, _, sent_ms in arrivals[1:]:
                occurred = datetime.fromisoformat(json.loads(value)["occurred_at"]).timestamp()
                total.append((arrived + wall_offset - occurred) * 1000)
                pickup.append(sent_ms - occurred * 1000)
                delivery.append((arrived + wall_offset) * 1000 - sent_ms)
            for label, values in (("latency_ms", total), ("relay_pickup_ms", pickup),
                                  ("send_to_arrival_ms", delivery)):
                values.sort()
                result[f"{label}_p50"] = values[len(values) // 2]
                result[f"{label}_p95"] = values[int(len(values) * 0.95)]
        await asyncio.sleep(0.5)  # anything extra (a duplicate) would arrive meanwhile
        arrivals = tail.snapshot()
        ids = [_message_id(headers) for _, _, headers, _ in arrivals]
        result["records_on_topic"] = len(arrivals) - 1
        result["distinct_ids"] = len(set(ids)) - 1
        result["all_arrived_once"] = len(arrivals) == count + 1 and len(set(ids)) == count + 1
        async with engine.connect() as connection:
            result["unpublished_rows_left"] = await connection.scalar(
                text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
        return result
    finally:
        tail.close()
        infra.processes.stop(name)
        await engine.dispose()
        await delete_topics(infra.bootstrap_servers, [topic])
        await infra.drop(url)


async def _phase_breakdown(infra: Infra, count: int) -> dict:
    """What each step of a relay batch costs: the statements and producer calls of
    `OutboxRelay.publish_pending` (keep in step with petcare_kit/relay.py), timed one after another,
    draining `count` pre-committed rows. The relay itself overlaps them: it sends a batch, then
    awaits the acks of the one before and marks it, then reads the next (so its rate is above
    this one's)."""
    import asyncpg
    from petcare_kit.headers import headers_from_json
    from petcare_kit.kafka import new_producer
    from petcare_kit.settings import ServiceSettings

    batch_size = ServiceSettings().outbox_batch_size
    url = await infra.fresh_database("bench_relay_phases")
    topic = await create_topic(infra.bootstrap_servers, unique_name("relay-phases"), PARTITIONS)
    engine = create_engine(url, pool_size=1)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    producer = new_producer(infra.bootstrap_servers, client_id="bench-relay-phases")
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            for start in range(0, count, INSERT_CHUNK):
                rows = []
                for i in range(start, min(start + INSERT_CHUNK, count)):
                    note = _note(i)
                    envelope = new_envelope(note, company_id=None, correlation_id=str(uuid.uuid4()))
                    rows.append(outbox.envelope_row(envelope, topic=topic, key=note.partition_key()))
                await outbox.add_rows(uow.session, rows)
            await uow.commit()
        await producer.start()
        await producer.client._wait_on_metadata(topic)
        spent = {"select": 0.0, "decode_and_send": 0.0, "wait_for_acks": 0.0, "mark_published": 0.0}
        batches = 0
        began = time.perf_counter()
        while True:
            t0 = time.perf_counter()
            rows = await connection.fetch(
                "SELECT id, topic, key, value, headers FROM outbox WHERE published_at IS NULL "
                "ORDER BY seq LIMIT $1", batch_size)
            t1 = time.perf_counter()
            spent["select"] += t1 - t0
            if not rows:
                break
            acks = []
            for row in rows:
                headers = headers_from_json(json.loads(row["headers"]))
                acks.append(await producer.send(row["topic"], row["value"], key=row["key"], headers=headers))
            t2 = time.perf_counter()
            await asyncio.gather(*acks)
            t3 = time.perf_counter()
            await connection.execute("UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])",
                                     [row["id"] for row in rows])
            t4 = time.perf_counter()
            spent["decode_and_send"] += t2 - t1
            spent["wait_for_acks"] += t3 - t2
            spent["mark_published"] += t4 - t3
            batches += 1
        elapsed = time.perf_counter() - began
        return {"events_per_s": count / elapsed,
                "ms_per_batch": {k: v * 1000 / batches for k, v in spent.items()}, "batch_size": batch_size}
    finally:
        await producer.stop()
        await connection.close()
        await engine.dispose()
        await delete_topics(infra.bootstrap_servers, [topic])
        await infra.drop(url)


async def run(infra: Infra, *, count: int, concurrent_count: int, tx_events: int, repetitions: int,
              profile_dir: Path | None = None) -> dict:
    results: dict = {"partitions": PARTITIONS, "relay_batch_size": 1000, "value_bytes_approx": 360}
    for mode, n in (("backlog", count), ("concurrent_writer", concurrent_count)):
        runs = []
        for rep in range(repetitions):
            r = await _one_run(infra, mode=mode, count=n, tx_events=tx_events, run_no=rep)
            runs.append(r)
            extra = (f", writer {r['writer_events_per_s']:,.0f}/s, latency p50 {r['latency_ms_p50']:.0f} ms "
                     f"p95 {r['latency_ms_p95']:.0f} ms (occurred_at→relay send p50 "
                     f"{r['relay_pickup_ms_p50']:.0f} ms, send→arrival p50 "
                     f"{r['send_to_arrival_ms_p50']:.0f} ms)"
                     if "writer_events_per_s" in r else "")
            log(f"outbox {mode} run {rep + 1}: {r['events_per_s']:,.0f} events/s ({n:,} in "
                f"{r['seconds']:.2f} s{extra}), all arrived once: {r['all_arrived_once']}, "
                f"cpu {r['cpu_cores']}")
        entry: dict = {"events": n, "events_per_s": summary([r["events_per_s"] for r in runs]),
                       "all_arrived_once": all(r["all_arrived_once"] for r in runs),
                       "records_on_topic": [r["records_on_topic"] for r in runs],
                       "unpublished_rows_left": [r["unpublished_rows_left"] for r in runs],
                       "cpu_cores_median": {k: round(statistics.median(r["cpu_cores"][k] for r in runs), 2)
                                            for k in runs[0]["cpu_cores"]}}
        if mode != "backlog":
            entry["events_per_transaction"] = tx_events
            entry["writer_events_per_s"] = summary([r["writer_events_per_s"] for r in runs])
            for label in ("latency_ms", "relay_pickup_ms", "send_to_arrival_ms"):
                for q in ("p50", "p95"):
                    entry[f"{label}_{q}"] = summary([r[f"{label}_{q}"] for r in runs], 1)
        results[mode] = entry
    phases = []
    for rep in range(repetitions):
        phases.append(await _phase_breakdown(infra, min(count, 20_000)))
        log(f"relay phases run {rep + 1} ({phases[-1]['events_per_s']:,.0f} events/s): " + ", ".join(
            f"{k} {v:.1f} ms" for k, v in phases[-1]["ms_per_batch"].items()) + " per batch")
    results["relay_phases_ms_per_batch"] = {
        "note": "the steps of OutboxRelay.publish_pending timed one after another, in this process "
                "(the relay overlaps the acks with the next send and the database round trips)",
        "batch_size": phases[0]["batch_size"],
        **{k: summary([p["ms_per_batch"][k] for p in phases], 1) for k in phases[0]["ms_per_batch"]},
        "events_per_s": summary([p["events_per_s"] for p in phases]),
    }
    if profile_dir is not None:  # an extra run, not in the figures: the profiler takes CPU too
        r = await _one_run(infra, mode="backlog", count=count, tx_events=tx_events, run_no=99,
                           profile_path=profile_dir / "relay-backlog.raw")
        log(f"outbox backlog, profiled run: {r['events_per_s']:,.0f} events/s")
    return results
