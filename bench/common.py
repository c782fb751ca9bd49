"""What every benchmark shares: progress lines, statistics, the infrastructure, topics, payloads."""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from aiokafka.admin import AIOKafkaAdminClient
from petcare_tools.embedded.broker import EmbeddedBroker
from petcare_tools.embedded.databases import create_fresh_database, drop_database
from petcare_tools.embedded.postgres import EmbeddedPostgres
from petcare_tools.testing.processes import ProcessManager
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
TESTS_DIR = REPO / "tests"  # on sys.path: see bench/__init__.py

BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS"
POSTGRES_ENV = "TEST_POSTGRES_ADMIN_URL"
MB = 1024 * 1024

_T0 = time.monotonic()


def log(message: str) -> None:
    """A progress line on stderr (stdout carries only the JSON document)."""
    print(f"[bench {time.monotonic() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def summary(values: list[float], digits: int = 0) -> dict:
    """Median, min, max and every run, rounded."""
    def r(x: float) -> float:
        return round(x, digits) if digits else round(x)

    return {"median": r(statistics.median(values)), "min": r(min(values)), "max": r(max(values)),
            "runs": [r(v) for v in values]}


def ratio(a: float | None, b: float | None, digits: int = 3) -> float | None:
    return None if not a or not b else round(a / b, digits)


def unique_name(base: str) -> str:
    return f"bench.{base}.{uuid.uuid4().hex[:8]}"


@dataclass
class Infra:
    """The broker and PostgreSQL the benchmarks use: embedded ones started here, or the ones
    named by KAFKA_BOOTSTRAP_SERVERS / TEST_POSTGRES_ADMIN_URL. `close()` stops everything this
    run started (child processes first), whatever happened."""

    bootstrap_servers: str = ""
    admin_url: str = ""
    broker: EmbeddedBroker | None = None
    postgres: EmbeddedPostgres | None = None
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="petcare-bench-")))
    processes: ProcessManager | None = None
    databases: list[str] = field(default_factory=list)

    def start(self) -> None:
        os.chmod(self.workdir, 0o755)
        self.processes = ProcessManager(log_dir=self.workdir / "processes", cwd=REPO)
        configured_pg = os.environ.get(POSTGRES_ENV)
        if configured_pg:
            self.admin_url = configured_pg
            log(f"PostgreSQL: {POSTGRES_ENV} ({make_url(configured_pg).host})")
        else:
            self.postgres = EmbeddedPostgres(self.workdir / "pgdata", durable=False)
            self.postgres.start()
            self.admin_url = self.postgres.admin_url
            log(f"PostgreSQL: embedded, throw-away (fsync off), pid {self.postgres.pid}, "
                f"port {self.postgres.port}")
        configured_kafka = os.environ.get(BOOTSTRAP_ENV)
        if configured_kafka:
            self.bootstrap_servers = configured_kafka
            log(f"broker: {BOOTSTRAP_ENV}={configured_kafka}")
        else:
            self.broker = EmbeddedBroker(log_path=self.workdir / "tansu.log")
            self.broker.start()
            self.bootstrap_servers = self.broker.bootstrap_servers
            log(f"broker: embedded tansu, pid {self.broker.pid}, {self.bootstrap_servers}")

    def close(self) -> None:
        """Stop children, drop our databases on a server we do not own, stop servers, remove files."""
        if self.processes is not None:
            try:
                self.processes.stop_all()
            except Exception as error:  # keep going: the servers must stop too
                log(f"stopping child processes failed: {error!r}")
        if self.postgres is None and self.databases:
            for name in self.databases:
                try:
                    asyncio.run(drop_database(self.admin_url, name))
                except Exception as error:
                    log(f"could not drop database {name}: {error!r}")
        for server in (self.broker, self.postgres):
            if server is not None:
                try:
                    server.stop()
                except Exception as error:
                    log(f"stopping {type(server).__name__} failed: {error!r}")
        shutil.rmtree(self.workdir, ignore_errors=True)

    async def fresh_database(self, prefix: str) -> str:
        """A new database (SQLAlchemy URL) with the kitdemo tables and the kit's outbox and inbox."""
        from petcare_kit.migrations import upgrade_to_head
        from suite.kitdemo_harness import KITDEMO_ALEMBIC

        url = await create_fresh_database(self.admin_url, prefix)
        self.databases.append(str(make_url(url).database))
        await asyncio.to_thread(upgrade_to_head, KITDEMO_ALEMBIC, url)
        return url

    async def drop(self, url: str) -> None:
        name = str(make_url(url).database)
        await drop_database(self.admin_url, name)
        if name in self.databases:
            self.databases.remove(name)

    # --- memory ---
    def broker_rss_mb(self) -> float | None:
        if self.broker is None or self.broker.pid is None:
            return None
        return round(psutil.Process(self.broker.pid).memory_info().rss / MB, 1)

    def postgres_memory_mb(self) -> dict | None:
        """RSS summed over the postmaster and its children (counts shared buffers once per process
        that touched them), and PSS summed (shared pages split between processes: the real total)."""
        if self.postgres is None or self.postgres.pid is None:
            return None
        return tree_memory_mb(self.postgres.pid)


def tree_memory_mb(pid: int) -> dict:
    root = psutil.Process(pid)
    processes = [root, *root.children(recursive=True)]
    rss = pss = uss = 0
    for process in processes:
        try:
            info = process.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += getattr(info, "pss", 0)
        uss += info.uss
    return {"rss_sum": round(rss / MB, 1), "pss_sum": round(pss / MB, 1), "uss_sum": round(uss / MB, 1),
            "processes": len(processes)}


async def create_topic(bootstrap_servers: str, name: str, partitions: int) -> str:
    from petcare_kit.kafka import ensure_topics

    await ensure_topics(bootstrap_servers, {name: partitions})
    return name


async def delete_topics(bootstrap_servers: str, names: list[str]) -> None:
    """Free the broker's memory (the embedded broker keeps every message in RAM)."""
    if not names:
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="bench-admin")
    await admin.start()
    try:
        await admin.delete_topics(names)
    except Exception as error:  # best effort
        log(f"could not delete topics {names}: {error!r}")
    finally:
        await admin.close()


async def wait_until(predicate: Callable[[], bool], within: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {within:.0f} s")
        await asyncio.sleep(interval)
