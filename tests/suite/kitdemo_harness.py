"""Runs the kitdemo writer and reader as real processes against the real broker and database."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from petcare_kit.kafka import ensure_topics
from petcare_kit.migrations import upgrade_to_head
from petcare_tools.embedded.databases import create_fresh_database
from petcare_tools.embedded.ports import free_port
from petcare_tools.testing.processes import ProcessManager

KITDEMO_ALEMBIC = Path(__file__).resolve().parents[1] / "kitdemo" / "alembic"
TESTS_DIR = str(Path(__file__).resolve().parents[1])


@dataclass
class Kitdemo:
    processes: ProcessManager
    bootstrap_servers: str
    topic: str
    group: str
    writer_db: str
    reader_db: str

    @classmethod
    async def create(cls, processes: ProcessManager, bootstrap_servers: str, admin_url: str, topic: str,
                     partitions: int = 4) -> Kitdemo:
        writer_db = await create_fresh_database(admin_url, "kitdemo_writer")
        reader_db = await create_fresh_database(admin_url, "kitdemo_reader")
        for url in (writer_db, reader_db):
            await asyncio.to_thread(upgrade_to_head, KITDEMO_ALEMBIC, url)
        await ensure_topics(bootstrap_servers, {topic: partitions})
        return cls(processes, bootstrap_servers, topic, f"{topic}-reader", writer_db, reader_db)

    def _env(self, database_url: str, **extra: str) -> dict[str, str]:
        return {
            "PYTHONPATH": TESTS_DIR,
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "KITDEMO_DATABASE_URL": database_url,
            "KITDEMO_TOPIC": self.topic,
            "KITDEMO_GROUP": self.group,
            "ENVIRONMENT": "test",
            **extra,
        }

    async def start(self, name: str, role: str, **env: str) -> str:
        """Start `kitdemo.<role>` as process `name`; returns its base URL once /ready answers."""
        port = free_port()
        database = self.writer_db if role == "writer" else self.reader_db
        self.processes.start(
            name,
            [sys.executable, "-m", "uvicorn", "--factory", f"kitdemo.{role}:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            env=self._env(database, **env),
        )
        base_url = f"http://127.0.0.1:{port}"
        await asyncio.to_thread(self.processes.wait_http_ok, f"{base_url}/ready", 60, name)
        return base_url


async def post_notes(base_url: str, key: str, texts: list[str]) -> list[str]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(f"{base_url}/notes", json={"key": key, "texts": texts})
        response.raise_for_status()
        return response.json()["ids"]


async def applied(reader_url: str) -> list[dict]:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{reader_url}/applied")
        response.raise_for_status()
        return response.json()


async def wait_applied(reader_url: str, count: int, timeout: float = 60) -> list[dict]:
    deadline = time.monotonic() + timeout
    rows: list[dict] = []
    while time.monotonic() < deadline:
        rows = await applied(reader_url)
        if len(rows) >= count:
            return rows
        await asyncio.sleep(0.2)
    raise AssertionError(f"only {len(rows)} of {count} notes applied after {timeout}s")


async def read_topic(bootstrap_servers: str, topic: str, *, at_least: int, timeout: float = 30,
                     settle: float = 1.0) -> list:
    """Every record on `topic` from the beginning: waits for `at_least`, then `settle` seconds more
    so that an unexpected extra record would be seen too."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or {0})]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        records: list = []
        deadline = time.monotonic() + timeout
        settle_until: float | None = None
        while time.monotonic() < (settle_until or deadline):
            batch = await consumer.getmany(timeout_ms=200)
            for partition_records in batch.values():
                records.extend(partition_records)
            if settle_until is None and len(records) >= at_least:
                settle_until = time.monotonic() + settle
        return records
    finally:
        await consumer.stop()


def envelope_of(record) -> dict:
    return json.loads(record.value)
