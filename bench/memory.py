"""Memory of each process: a kit service at rest (the kitdemo writer and reader started as real
uvicorn processes exactly as the suite harness starts them, /ready answered, then idle), the
broker, and PostgreSQL (summed over the postmaster and its backends).

RSS counts a page shared by several processes once in each (PostgreSQL's shared buffers, Python's
shared libraries); PSS divides it among them, so a PSS sum is the real total; USS is what the
process alone holds (freed if it exits)."""

from __future__ import annotations

import asyncio

import psutil
from suite.kitdemo_harness import Kitdemo

from bench.common import MB, Infra, create_topic, delete_topics, log, unique_name


def process_memory_mb(pid: int) -> dict:
    info = psutil.Process(pid).memory_full_info()
    return {"rss": round(info.rss / MB, 1), "uss": round(info.uss / MB, 1),
            "pss": round(getattr(info, "pss", 0) / MB, 1)}


async def services_at_rest(infra: Infra, *, idle_seconds: float) -> dict:
    assert infra.processes is not None
    writer_db = await infra.fresh_database("bench_mem_writer")
    reader_db = await infra.fresh_database("bench_mem_reader")
    topic = await create_topic(infra.bootstrap_servers, unique_name("memory"), 8)
    kitdemo = Kitdemo(infra.processes, infra.bootstrap_servers, topic, f"{topic}-reader",
                      writer_db, reader_db)
    try:
        await kitdemo.start("memory-writer", "writer")
        await kitdemo.start("memory-reader", "reader")
        log(f"kitdemo writer and reader ready; idle {idle_seconds:.0f} s")
        await asyncio.sleep(idle_seconds)
        return {
            "kitdemo_writer": process_memory_mb(infra.processes["memory-writer"].pid),
            "kitdemo_reader": process_memory_mb(infra.processes["memory-reader"].pid),
            "idle_seconds": idle_seconds,
        }
    finally:
        for name in ("memory-reader", "memory-writer"):
            try:
                infra.processes.stop(name)
            except KeyError:
                pass
        await delete_topics(infra.bootstrap_servers, [topic])
        await infra.drop(writer_db)
        await infra.drop(reader_db)
