"""Runs the kitdemo writer and reader as real processes against the real broker and database, with
the shared suite harness (petcare_tools.testing.suite: migrated databases, uvicorn processes)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from petcare_kit.kafka import ensure_topics
from petcare_tools.testing.processes import ProcessManager
from petcare_tools.testing.suite import fresh_migrated_database, serve_process
from petcare_tools.testing.topics import envelope_of, read_topic

__all__ = ["Kitdemo", "applied", "envelope_of", "post_notes", "read_topic", "wait_applied"]

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
        writer_db = await fresh_migrated_database(admin_url, "kitdemo_writer", KITDEMO_ALEMBIC)
        reader_db = await fresh_migrated_database(admin_url, "kitdemo_reader", KITDEMO_ALEMBIC)
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
        database = self.writer_db if role == "writer" else self.reader_db
        return await serve_process(self.processes, name, f"kitdemo.{role}:create_app",
                                   self._env(database, **env), ready_within=120)


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


async def wait_applied(reader_url: str, count: int, timeout: float = 120) -> list[dict]:
    deadline = time.monotonic() + timeout
    rows: list[dict] = []
    while time.monotonic() < deadline:
        rows = await applied(reader_url)
        if len(rows) >= count:
            return rows
        await asyncio.sleep(0.2)
    raise AssertionError(f"only {len(rows)} of {count} notes applied after {timeout}s")
