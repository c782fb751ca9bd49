"""Everything a running service holds: its database, its relay, its consumers, and their lifecycle.

One process serves a service's HTTP API, runs its consumers (FastStream, one subscriber per group)
and its outbox relay. Replicas run the same process: Kafka spreads partitions over the consumers of
one group and the relays elect one publisher. Settings can switch consumers or the relay off for a
replica that should only serve HTTP (`<PREFIX>RUN_CONSUMERS=false`, `<PREFIX>RUN_RELAY=false`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaClient
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential

from petcare_kit.consumer import BatchConsumer, EventRouter
from petcare_kit.db import asyncpg_dsn, create_engine, session_factory
from petcare_kit.kafka import ensure_topics, topics_for
from petcare_kit.relay import OutboxRelay, RelayConfig
from petcare_kit.settings import ServiceSettings
from petcare_kit.transient import is_transient
from petcare_kit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_SECONDS = 120


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        publishes: Sequence[str] = (),
        consumer_group: str | None = None,
        consumes: Sequence[str] = (),
        router: EventRouter | None = None,
    ) -> None:
        self.settings = settings
        self.publishes, self.consumes = list(publishes), list(consumes)
        self.engine = create_engine(settings.database_url)
        self.sessions: async_sessionmaker[AsyncSession] = session_factory(self.engine)
        self.consumer = (
            BatchConsumer(group=consumer_group, topics=self.consumes, router=router, sessions=self.sessions,
                          max_attempts=settings.consumer_max_attempts)
            if consumer_group and router and self.consumes else None
        )
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            client_id=settings.service_name,
            consumer_only=True,
            allow_auto_create_topics=False,
            graceful_timeout=15,
            logger=logging.getLogger(f"{settings.service_name}.consumer"),
        )
        if self.consumer is not None:
            self._subscribe(self.consumer)
        self.relay = OutboxRelay(RelayConfig(
            dsn=asyncpg_dsn(settings.database_url),
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id=f"{settings.service_name}-relay",
            batch_size=settings.outbox_batch_size,
            poll_interval_seconds=settings.outbox_poll_interval_seconds,
            retention_days=settings.outbox_retention_days,
            inbox_retention_days=settings.inbox_retention_days,
            purge_interval_seconds=settings.purge_interval_seconds,
        ))
        self._relay_task: asyncio.Task[None] | None = None
        self._kafka_probe: AIOKafkaClient | None = None
        self._background: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        self._background_tasks: list[asyncio.Task[None]] = []

    def add_background_task(self, name: str, run_forever: Callable[[], Awaitable[None]]) -> None:
        """A loop the service runs beside its consumers (an email dispatcher, say); started after the
        database and broker are ready, cancelled at shutdown."""
        self._background.append((name, run_forever))

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def _subscribe(self, consumer: BatchConsumer) -> None:
        settings = self.settings

        async def on_batch(message: KafkaMessage) -> None:  # an Annotated alias: FastStream injects it
            await consumer.handle_batch(message.raw_message)

        on_batch.__name__ = f"on_{consumer.group.replace('-', '_').replace('.', '_')}_batch"
        self.broker.subscriber(
            *consumer.topics,
            group_id=consumer.group,
            batch=True,
            max_records=settings.consumer_batch_size,
            batch_timeout_ms=200,
            auto_offset_reset="earliest",  # a new group builds its read model from history
            ack_policy=AckPolicy.NACK_ON_ERROR,  # offsets commit after the transaction, never before
            session_timeout_ms=settings.consumer_session_timeout_ms,
            heartbeat_interval_ms=settings.consumer_heartbeat_interval_ms,
            parser=parse_tolerating_binary_headers,
            decoder=leave_undecoded,
        )(on_batch)

    async def start(self) -> None:
        """Wait for the database and the broker, create topics, then start the relay and consumers."""
        await _until_ready("database", self.check_database)
        topics = topics_for(publishes=self.publishes, consumes=self.consumes,
                            consumer_group=self.consumer.group if self.consumer else None)
        await _until_ready("broker topics", lambda: ensure_topics(
            self.settings.kafka_bootstrap_servers, topics, replication_factor=self.settings.topic_replication_factor))
        self._kafka_probe = AIOKafkaClient(bootstrap_servers=self.settings.kafka_bootstrap_servers)
        await _until_ready("broker", self._kafka_probe.bootstrap)
        if self.settings.run_relay:
            self._relay_task = asyncio.create_task(self.relay.run_forever(), name="outbox-relay")
        for name, run_forever in self._background:
            self._background_tasks.append(asyncio.create_task(run_forever(), name=name))
        if self.consumer is not None and self.settings.run_consumers:
            await self.broker.start()
        log.info("service started", extra={"publishes": self.publishes, "consumes": self.consumes})

    async def stop(self) -> None:
        """Stop taking messages first (in-flight batches finish), then the relay, then connections."""
        with contextlib.suppress(Exception):
            await self.broker.stop()
        for task in [*self._background_tasks, *([self._relay_task] if self._relay_task else [])]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._kafka_probe is not None:
            await self._kafka_probe.close()
        await self.engine.dispose()

    async def check_database(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def check_broker(self) -> None:
        if self._kafka_probe is None:
            raise ConnectionError("not connected to the broker yet")
        await self._kafka_probe.fetch_all_metadata()


async def parse_tolerating_binary_headers(records: tuple, original_parser: Callable) -> Any:
    """FastStream decodes every header as UTF-8 and fails the whole batch on one that is not, forever
    (a poison pill no dead-letter can catch). Parse a copy with readable headers; keep the original
    records, byte for byte, as the raw message our consumer handles and dead-letters."""
    readable = tuple(
        dataclasses.replace(r, headers=[(k, v.decode("utf-8", "replace").encode()) for k, v in r.headers or ()])
        for r in records
    )
    message = await original_parser(readable)
    message.raw_message = records
    return message


async def leave_undecoded(message: Any, original_decoder: Callable) -> None:
    """Our consumer decodes each record itself (`petcare_contracts.decode`), so that a bad record is
    dead-lettered alone instead of failing FastStream's decoding of the whole batch."""
    return None


async def _until_ready(what: str, attempt: Callable) -> None:
    async for retry in AsyncRetrying(
        retry=retry_if_exception(is_transient) | retry_if_exception(lambda e: "Kafka" in type(e).__name__),
        stop=stop_after_delay(STARTUP_TIMEOUT_SECONDS),
        wait=wait_exponential(multiplier=0.2, max=3),
        before_sleep=lambda state: log.info("waiting for %s: %r", what, state.outcome.exception()),
        reraise=True,
    ):
        with retry:
            await attempt()
