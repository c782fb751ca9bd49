"""`make bench`: the kit's throughput and memory beside same-run baselines, as one JSON document.

    python -m bench.run [--quick] [--repetitions N] [--no-what-if] [--profile DIR]

Starts an embedded Tansu broker and a throw-away embedded PostgreSQL (fsync off), unless
KAFKA_BOOTSTRAP_SERVERS / TEST_POSTGRES_ADMIN_URL name servers to use; stops every process it
started at the end, also on error or SIGTERM. Progress lines go to stderr, the JSON to stdout.

Sections (each figure: median, min, max and every run):
- baselines: raw aiokafka and confluent-kafka produce/consume rates, 1 and 8 partitions;
- outbox: committed outbox rows → OutboxRelay (own process) → on the topic; backlog and concurrent;
- consumer: pre-produced envelopes → kitdemo reader process (FastStream + BatchConsumer) → rows;
- scheduling: a month of weekday visits for 1,000 clients (100 with --quick) created from templates
  by the template-approval job, visits/s (one run: minutes), beside the consumer path (bench/scheduling_bench.py);
- replay: petcare-replay's replay rate beside a bare confluent-kafka consume → produce pipe (bench/replay_bench.py);
- gateway: GET /me straight to clients (the baseline) vs through the gateway (token, session check);
- end_to_end: conversation messages posted at the gateway → text and email at the sandboxes
  (bench/end_to_end_bench.py);
- memory_mb: broker, PostgreSQL, the kitdemo writer and reader at rest;
- ratios and targets; ratio_targets: issue 14's ratios, each with its target (docs/performance.md);
  what_if: prototypes of suggested kit changes (bench/whatif.py).

`--only gateway,outbox,consumer,end_to_end` runs those sections alone, each beside its baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import os
import platform
import signal
import sys
import time
from pathlib import Path

from bench.common import Infra, log, ratio


def _machine(infra: Infra) -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil

    versions = {}
    packages = ("aiokafka", "faststream", "confluent-kafka", "sqlalchemy", "asyncpg", "pydantic", "uvicorn")
    for package in packages:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "broker": "external (KAFKA_BOOTSTRAP_SERVERS)" if infra.broker is None
        else "embedded tansu (memory storage)",
        "postgresql": "external (TEST_POSTGRES_ADMIN_URL)" if infra.postgres is None
        else "embedded, throw-away (fsync, synchronous_commit, full_page_writes off)",
        "packages": versions,
    }


async def _postgres_version(infra: Infra) -> str:
    import asyncpg

    connection = await asyncpg.connect(infra.admin_url)
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


async def _benchmarks(infra: Infra, args: argparse.Namespace) -> dict:
    from bench import baselines, consumer_bench, gateway_bench, memory, outbox_bench, scheduling_bench
    from bench.common import summary

    reps = args.repetitions
    quick = args.quick
    profile_dir = args.profile
    doc: dict = {"machine": _machine(infra)}
    doc["machine"]["postgresql_version"] = await _postgres_version(infra)
    memory_mb: dict = {"broker_rss_idle": infra.broker_rss_mb(),
                       "postgresql_idle": infra.postgres_memory_mb()}

    only = set(args.only.split(",")) if args.only else None
    if only is not None:
        return await _sections(infra, args, doc, only)
    log("baselines: raw client rates")
    doc["baselines"] = await baselines.run(infra.bootstrap_servers, count=20_000 if quick else 100_000,
                                           repetitions=reps)
    log("outbox: rows committed in PostgreSQL → OutboxRelay → records on the topic")
    doc["outbox"] = await outbox_bench.run(infra, count=10_000 if quick else 50_000,
                                           concurrent_count=1_000 if quick else 5_000, tx_events=20,
                                           repetitions=reps, profile_dir=profile_dir)
    log("consumer: records → FastStream → BatchConsumer.handle_batch → inbox + state rows")
    doc["consumer"] = await consumer_bench.run(infra, count=5_000 if quick else 20_000, repetitions=reps,
                                               handle_batch_count=2_000 if quick else 10_000,
                                               profile_dir=profile_dir)
    log("scheduling: a month of visits from templates, approved by the template job (visits/s)")
    doc["scheduling"] = await scheduling_bench.run(infra, clients=100 if quick else 1_000, repetitions=1)
    log("replay: petcare-replay replay vs a bare confluent-kafka consume → produce pipe, same topic")
    from bench import replay_bench

    doc["replay"] = await asyncio.to_thread(replay_bench.run, infra.bootstrap_servers,
                                            count=20_000 if quick else 100_000, repetitions=reps)
    log("gateway: an authenticated read straight to clients vs through the gateway (token, session check)")
    doc["gateway"] = await gateway_bench.run(infra, count=500 if quick else 3_000, repetitions=reps)
    log("memory: kitdemo writer and reader at rest")
    at_rest = await memory.services_at_rest(infra, idle_seconds=2 if quick else 5)
    memory_mb.update({
        "kitdemo_writer_at_rest": at_rest["kitdemo_writer"],
        "kitdemo_reader_at_rest": at_rest["kitdemo_reader"],
        "at_rest_idle_seconds": at_rest["idle_seconds"],
        "kitdemo_reader_rss_3s_after_consumer_run": doc["consumer"].pop("reader_rss_mb_after_run"),
        "broker_rss_after_all_runs_topics_deleted": infra.broker_rss_mb(),
        "postgresql_after_all_runs": infra.postgres_memory_mb(),
    })
    doc["memory_mb"] = memory_mb

    b, o, c = doc["baselines"], doc["outbox"], doc["consumer"]
    outbox_rate = o["backlog"]["events_per_s"]["median"]
    consumer_rate = c["end_to_end_msgs_per_s"]["median"]
    def base(name: str) -> float:
        return b[name]["median"]

    doc["ratios"] = {
        "outbox_backlog_vs_aiokafka_produce_8p_with_headers":
            ratio(outbox_rate, base("aiokafka_produce_msgs_per_s_8p_with_headers")),
        "outbox_backlog_vs_aiokafka_produce_8p": ratio(outbox_rate, base("aiokafka_produce_msgs_per_s_8p")),
        "outbox_backlog_vs_confluent_produce_8p": ratio(outbox_rate, base("confluent_produce_msgs_per_s_8p")),
        "outbox_concurrent_writer_vs_aiokafka_produce_8p":
            ratio(o["concurrent_writer"]["events_per_s"]["median"], base("aiokafka_produce_msgs_per_s_8p")),
        "consumer_vs_aiokafka_consume_8p": ratio(consumer_rate, base("aiokafka_consume_msgs_per_s_8p")),
        "consumer_vs_confluent_consume_8p": ratio(consumer_rate, base("confluent_consume_msgs_per_s_8p")),
        "consumer_end_to_end_vs_handle_batch_only":
            ratio(consumer_rate, c["handle_batch_only_msgs_per_s"]["median"]),
        "replay_vs_bare_confluent_pipe": doc["replay"]["replay_vs_pipe"],
        "scheduling_template_visits_vs_consumer_end_to_end":
            ratio(doc["scheduling"]["visits_per_s"]["median"], consumer_rate),
    }
    log("end to end: conversation messages posted at the gateway → email and text at the sandboxes")
    from bench import end_to_end_bench

    doc["end_to_end"] = await end_to_end_bench.run(infra, count=100 if quick else 400, repetitions=reps)
    doc["ratio_targets"] = _ratio_targets(doc)
    service_rss = max(memory_mb["kitdemo_writer_at_rest"]["rss"], memory_mb["kitdemo_reader_at_rest"]["rss"])
    doc["targets"] = {
        "outbox_events_per_s": {"target": 10_000, "measured": outbox_rate, "met": outbox_rate >= 10_000},
        "consumer_msgs_per_s": {"target": 5_000, "measured": consumer_rate, "met": consumer_rate >= 5_000},
        "service_rss_mb_at_rest": {"target": "< 150", "measured": service_rss, "met": service_rss < 150},
    }

    if args.what_if:
        from bench import whatif

        log("what-if: prototypes of the suggested kit changes")
        messages = consumer_bench.make_messages(2_000 if quick else 10_000)
        doc["what_if"] = await whatif.run(infra, messages=messages, publish_count=500 if quick else 3_000,
                                          tx_events=20, repetitions=reps)
        e2e_messages = messages if quick else consumer_bench.make_messages(20_000)
        e2e, rss = [], []
        for rep in range(reps):
            rate, rss_after = await whatif.end_to_end_prototype(infra, e2e_messages, rep)
            e2e.append(rate)
            rss.append(rss_after)
            log(f"what-if consumer end-to-end (reader process, cached claim + batch handler) run {rep + 1}: "
                f"{rate:,.0f} msgs/s, reader RSS 3 s after {rss_after:.0f} MB")
        what_if = doc["what_if"]
        what_if["consumer_end_to_end_cached_claim_batch_handler_msgs_per_s"] = summary(e2e)
        what_if["consumer_end_to_end_vs_kit"] = ratio(summary(e2e)["median"], consumer_rate, 2)
        what_if["prototype_reader_rss_mb_3s_after_run"] = summary(rss, 1)
    doc["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return doc


def _ratio_targets(doc: dict) -> dict:
    """Issue 14's same-run ratios, each with its target, for the sections that ran."""
    targets: dict = {}

    def add(name: str, measured: float | None, baseline: float | None, target: float) -> None:
        value = ratio(measured, baseline)
        targets[name] = {"measured": measured, "baseline": baseline, "ratio": value, "target": target,
                         "met": value is not None and value >= target}

    if "outbox" in doc and "baselines" in doc:
        add("outbox_backlog_vs_aiokafka_produce_8p_with_headers", doc["outbox"]["backlog"]["events_per_s"]["median"],
            doc["baselines"]["aiokafka_produce_msgs_per_s_8p_with_headers"]["median"], 0.8)
    if "consumer" in doc:
        add("consumer_end_to_end_vs_bare_database", doc["consumer"]["end_to_end_msgs_per_s"]["median"],
            doc["consumer"]["bare_database_msgs_per_s"]["median"], 0.5)
    if "gateway" in doc:
        add("gateway_me_vs_direct_to_clients", doc["gateway"]["through_gateway"]["requests_per_s"]["median"],
            doc["gateway"]["direct_to_clients"]["requests_per_s"]["median"], 0.7)
    if "end_to_end" in doc:  # no same-run baseline for the whole path: the stage figures beside it
        e2e = doc["end_to_end"]
        targets["end_to_end"] = {
            "deliveries_per_s_full_speed": e2e["full_speed"]["deliveries_per_s"]["median"],
            "deliveries_per_s_fixed_rate": e2e["fixed_rate"]["deliveries_per_s"]["median"],
            "text_latency_ms_p50_p99_fixed_rate": [e2e["fixed_rate"]["text_latency_ms_p50"]["median"],
                                                   e2e["fixed_rate"]["text_latency_ms_p99"]["median"]],
            "email_latency_ms_p50_p99_fixed_rate": [e2e["fixed_rate"]["email_latency_ms_p50"]["median"],
                                                    e2e["fixed_rate"]["email_latency_ms_p99"]["median"]],
            "stages": {"gateway_me_requests_per_s": doc.get("gateway", {}).get("through_gateway", {})
                       .get("requests_per_s", {}).get("median"),
                       "outbox_events_per_s": doc.get("outbox", {}).get("backlog", {})
                       .get("events_per_s", {}).get("median"),
                       "consumer_msgs_per_s": doc.get("consumer", {}).get("end_to_end_msgs_per_s", {})
                       .get("median")},
            "target": None,
        }
    return targets


async def _sections(infra: Infra, args: argparse.Namespace, doc: dict, only: set[str]) -> dict:
    """`--only`: the named sections, each beside its same-run baseline, and their ratios."""
    from bench import baselines, consumer_bench, gateway_bench, outbox_bench

    reps, quick = args.repetitions, args.quick
    if "outbox" in only:
        doc["baselines"] = await baselines.run(infra.bootstrap_servers, count=20_000 if quick else 100_000,
                                               repetitions=reps)
        doc["outbox"] = await outbox_bench.run(infra, count=10_000 if quick else 50_000,
                                               concurrent_count=1_000 if quick else 5_000, tx_events=20,
                                               repetitions=reps, profile_dir=args.profile)
    if "consumer" in only:
        doc["consumer"] = await consumer_bench.run(infra, count=5_000 if quick else 20_000, repetitions=reps,
                                                   handle_batch_count=2_000 if quick else 10_000,
                                                   profile_dir=args.profile)
    if "gateway" in only:
        doc["gateway"] = await gateway_bench.run(infra, count=500 if quick else 3_000, repetitions=reps)
    if "end_to_end" in only:
        from bench import end_to_end_bench

        doc["end_to_end"] = await end_to_end_bench.run(infra, count=100 if quick else 400, repetitions=reps)
    doc["ratio_targets"] = _ratio_targets(doc)
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts, one run each: a smoke test")
    parser.add_argument("--repetitions", type=int, default=None,
                        help="runs per figure (default 3; 1 with --quick)")
    parser.add_argument("--only", metavar="SECTIONS",
                        help="comma-separated sections to run alone (gateway, outbox, consumer, end_to_end), "
                             "each with its own baseline: for working on one path")
    parser.add_argument("--no-what-if", dest="what_if", action="store_false",
                        help="skip the prototypes of suggested kit changes")
    parser.add_argument("--profile", metavar="DIR", type=lambda p: Path(p).resolve(),
                        help="also profile one extra relay and reader run with py-spy (and handle_batch with "
                             "pyinstrument) into DIR; those runs are not in the figures")
    args = parser.parse_args(argv)
    if args.repetitions is None:
        args.repetitions = 1 if args.quick else 3

    def terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds through the finally below: every process is stopped

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    started = time.monotonic()
    infra = Infra()
    try:
        infra.start()
        document = asyncio.run(_benchmarks(infra, args))
    finally:
        log("stopping every process this run started")
        infra.close()
    document["elapsed_seconds"] = round(time.monotonic() - started, 1)
    json.dump(document, sys.stdout, indent=2)
    sys.stdout.write("\n")
    log(f"done in {document['elapsed_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
