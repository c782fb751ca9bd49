"""Everything a running service holds: its database, its relay, its consumers, and their lifecycle.

One process serves a service's HTTP API, runs its consumers (FastStream, one subscriber per group)
and its outbox relay. Replicas run the same process: Kafka spreads partitions over the consumers of
one group and the relays elect one publisher. Settings can switch consumers or the relay off for a
replica that should only serve HTTP (`<PREFIX>RUN_CONSUMERS=false`, `<PREFIX>RUN_RELAY=false`).

A broker that comes back empty (a new cluster id, or our topics gone) is noticed by the broker watch:
the service is not ready while it creates its topics again and restarts its consumers, which join
their groups afresh; its relay re-publishes what the lost broker held (docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential

from petcare_kit.broker_watch import BrokerWatch
from petcare_kit.consumer import BatchConsumer, EventRouter
from petcare_kit.db import asyncpg_dsn, create_engine, session_factory
from petcare_kit.kafka import ensure_topics, topics_for
from petcare_kit.relay import OutboxRelay, RelayConfig
from petcare_kit.settings import ServiceSettings
from petcare_kit.transient import is_transient
from petcare_kit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_SECONDS = 120
CONSUMER_GRACE_SECONDS = 15
"""How long stopping waits for the batches in hand to finish (FastStream's graceful timeout)."""
STOP_STEP_SECONDS = 10.0
"""How long one step of stopping may take beyond its own grace: seen, a consumer whose broker never
answered its leave or commit kept a stopping service waiting for minutes."""


async def _bounded(what: str, step: Any, seconds: float | None = None) -> None:
    """Await `step` (a coroutine or task) for at most `seconds` (`STOP_STEP_SECONDS` by default); one
    that fails is logged, one that overruns is cancelled without waiting for it and logged."""
    seconds = STOP_STEP_SECONDS if seconds is None else seconds
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
        log.warning("stopping: %s did not finish within %.1f s; left behind", what, seconds)
        return
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("stopping: %s failed: %r", what, error)


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
        # The consumer's own small pool, without the pre-ping (create_engine says why): one batch at a time.
        self.consumer_engine = create_engine(settings.database_url, pool_size=2, pre_ping=False)
        self.consumer = (
            BatchConsumer(group=consumer_group, topics=self.consumes, router=router,
                          sessions=session_factory(self.consumer_engine), max_attempts=settings.consumer_max_attempts)
            if consumer_group and router and self.consumes else None
        )
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            client_id=settings.service_name,
            consumer_only=True,
            allow_auto_create_topics=False,
            graceful_timeout=CONSUMER_GRACE_SECONDS,
            logger=logging.getLogger(f"{settings.service_name}.consumer"),
        )
        if self.consumer is not None:
            self._subscribe(self.consumer)
        self.topics = topics_for(publishes=self.publishes, consumes=self.consumes,
                                 consumer_group=self.consumer.group if self.consumer else None)
        self.relay = OutboxRelay(RelayConfig(
            dsn=asyncpg_dsn(settings.database_url),
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id=f"{settings.service_name}-relay",
            batch_size=settings.outbox_batch_size,
            poll_interval_seconds=settings.outbox_poll_interval_seconds,
            retention_days=settings.outbox_retention_days,
            inbox_retention_days=settings.inbox_retention_days,
            purge_interval_seconds=settings.purge_interval_seconds,
            topics=self.topics,
            replication_factor=settings.topic_replication_factor,
        ))
        self.broker_watch = BrokerWatch(settings.kafka_bootstrap_servers, client_id=f"{settings.service_name}-watch",
                                        topics=self.topics, recover=self._recover_on_new_broker)
        self._relay_task: asyncio.Task[None] | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self._consuming = False
        self._background: list[tuple[str, Callable[[], Coroutine[Any, Any, None]]]] = []
        self._background_tasks: list[asyncio.Task[None]] = []

    def add_background_task(self, name: str, run_forever: Callable[[], Coroutine[Any, Any, None]]) -> None:
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
        await _until_ready("broker", self.broker_watch.start)  # first: a broker change after it is noticed
        await _until_ready("broker topics", self._ensure_topics)
        if self.settings.run_relay:
            self._relay_task = asyncio.create_task(self.relay.run_forever(), name="outbox-relay")
        for name, run_forever in self._background:
            self._background_tasks.append(asyncio.create_task(run_forever(), name=name))
        if self.consumer is not None and self.settings.run_consumers:
            await self.broker.start()
            self._consuming = True
        self._watch_task = asyncio.create_task(self.broker_watch.run_forever(), name="broker-watch")
        log.info("service started", extra={"publishes": self.publishes, "consumes": self.consumes})

    async def stop(self) -> None:
        """Stop taking messages first (in-flight batches finish), then the relay, then connections.
        Each step is bounded (`STOP_STEP_SECONDS`): one that hangs is logged and left behind, so a
        stopping replica always ends. Nothing is lost by that: offsets and outbox marks are written
        only after their work is committed, so what a cut step had in hand is done again."""
        if self._watch_task is not None:
            self._watch_task.cancel()  # no recovery (a consumer restart) during shutdown
            await _bounded("the broker watch", self._watch_task)
        await _bounded("the consumers", self.broker.stop(), STOP_STEP_SECONDS + CONSUMER_GRACE_SECONDS)
        for task in [*self._background_tasks, *([self._relay_task] if self._relay_task else [])]:
            task.cancel()
            await _bounded(task.get_name(), task)
        await _bounded("the broker watch's clients", self.broker_watch.close())
        await _bounded("the database pool", self.engine.dispose())
        await _bounded("the consumer's database pool", self.consumer_engine.dispose())

    async def check_database(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def check_broker(self) -> None:
        """Raise unless the broker answers and is the one the service has set itself up on."""
        await self.broker_watch.check()

    async def _ensure_topics(self) -> None:
        await ensure_topics(self.settings.kafka_bootstrap_servers, self.topics,
                            replication_factor=self.settings.topic_replication_factor)

    async def _recover_on_new_broker(self, reason: str) -> None:
        """The broker lost our topics, groups and offsets: create the topics, then restart the
        consumers so that they join their groups on it (from the earliest offset: the relays of the
        services we read re-publish what was lost, and the inbox drops what we had handled)."""
        await self._ensure_topics()
        if self._consuming:
            log.warning("restarting consumers on the new broker", extra={"reason": reason})
            with contextlib.suppress(Exception):
                await self.broker.stop()
            await self.broker.start()


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
        before_sleep=lambda state: log.info("waiting for %s: %r", what, state.outcome and state.outcome.exception()),
        reraise=True,
    ):
        with retry:
            await attempt()
