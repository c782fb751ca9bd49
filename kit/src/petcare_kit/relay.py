"""The outbox relay: publishes committed outbox rows to Kafka, in commit order, and keeps them for
a retention period afterwards.

Why our own and not `faststream-outbox` (evaluated, see docs/reliability.md): it claims rows with
SKIP LOCKED and hands them to concurrent workers, so two events of one key can be published out of
order, and it deletes rows once relayed, so nothing is left to re-publish when a broker loses them.

How it stays correct with several replicas: each replica runs a relay, but only the one holding a
PostgreSQL advisory lock publishes (the others wait on the lock, so one takes over at once if the
leader dies: its connection closes and PostgreSQL releases the lock). One publisher reading rows in
`seq` order and waiting for the broker's acks before marking them keeps per-key order. A crash
after publishing and before marking re-publishes those rows: at least once, and consumers drop the
duplicate by message id. The relay wakes on NOTIFY (a statement trigger on `outbox`), not by polling;
a slow safety poll covers a notification missed while reconnecting.

A broker that lost what it held: each published row records the cluster id of the broker that acked
it (`published_to`). Before each batch the leader asks the broker who it is; when that is another
cluster than before (a memory-only broker restarted, a new cluster), it creates the topics again and
marks every kept row published to another cluster as unpublished, so they go out again, in `seq`
order, before anything newer. Consumers drop what they had already handled. On Apache Kafka the
cluster id survives restarts, so nothing is re-published there. Rows published before the column
existed (NULL) are never re-published automatically.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass, field

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from petcare_kit import metrics, tracing
from petcare_kit.db import OUTBOX_CHANNEL
from petcare_kit.headers import headers_from_json
from petcare_kit.kafka import describe_cluster, ensure_topics, new_producer
from petcare_kit.wakeups import listen

log = logging.getLogger(__name__)

RELAY_LOCK_KEY = 7_100_420_001
"""Advisory lock id of the relay leader; locks are per database, and each service has its own."""


@dataclass(frozen=True)
class RelayConfig:
    dsn: str
    bootstrap_servers: str
    client_id: str
    batch_size: int = 1000
    poll_interval_seconds: float = 5.0
    retention_days: int = 7
    inbox_retention_days: int = 30
    purge_interval_seconds: float = 3600.0
    topics: dict[str, int] = field(default_factory=dict)
    """Topics (name -> partitions) created again before publishing to a broker seen for the first time."""
    replication_factor: int = 1


class OutboxRelay:
    def __init__(self, config: RelayConfig) -> None:
        self.config = config
        self.is_leader = False
        self.cluster_id: str | None = None
        """The broker cluster this leader publishes to (checked before each batch)."""
        self._followed = False
        self._next_purge = 0.0
        self._prefetched: list[asyncpg.Record] | None = None
        """The next batch, read while the last one's acks were awaited (None: read it afresh)."""
        self._in_flight: _InFlight | None = None
        """A full batch sent and not marked yet: its acks are awaited (and it is marked) after the
        next batch is sent; if the relay stops first, it is sent again (at least once)."""

    async def run_forever(self) -> None:
        """Relay until cancelled; broker or database outages are waited out with backoff."""
        delay = 0.5
        while True:
            try:
                await self._lead_and_relay()
            except asyncio.CancelledError:
                raise
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError, TimeoutError) as error:
                log.warning("outbox relay interrupted, retrying in %.1fs: %r", delay, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 4.0)
            else:
                delay = 0.5

    async def _lead_and_relay(self) -> None:
        connection = await asyncpg.connect(self.config.dsn, timeout=10)
        producer: AIOKafkaProducer | None = None
        try:
            await connection.execute("SELECT pg_advisory_lock($1)", RELAY_LOCK_KEY)
            self.is_leader = True
            wake = asyncio.Event()
            await listen(connection, OUTBOX_CHANNEL, wake.set)
            producer = new_producer(self.config.bootstrap_servers, client_id=self.config.client_id)
            await producer.start()
            self._followed = False  # another replica may have led meanwhile: compare afresh
            self._prefetched, self._in_flight = None, None
            log.info("outbox relay is the leader")
            while True:
                wake.clear()
                await self.follow_cluster(connection, producer)
                published = await self.publish_pending(connection, producer)
                if published >= self.config.batch_size:
                    continue  # more are waiting
                await self._purge_if_due(connection)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self.config.poll_interval_seconds)
        finally:
            self.is_leader = False
            if producer is not None:
                await producer.stop()
            await _close_quietly(connection)

    async def follow_cluster(self, connection: asyncpg.Connection, producer: AIOKafkaProducer) -> None:
        """Ask the broker its cluster id; if it is not the one this leader last published to, create
        the topics and mark for re-publication every kept row published to another cluster (what a
        lost broker held). Raises KafkaError when no broker answers (the relay then backs off)."""
        cluster_id = (await describe_cluster(producer.client)).cluster_id
        if self._followed and cluster_id == self.cluster_id:
            return
        self._prefetched, self._in_flight = None, None  # sent to another cluster: sent again, in order
        await ensure_topics(self.config.bootstrap_servers, self.config.topics,
                            replication_factor=self.config.replication_factor)
        if cluster_id is not None:
            status = await connection.execute(
                "UPDATE outbox SET published_at = NULL, published_to = NULL "
                "WHERE published_at IS NOT NULL AND published_to IS NOT NULL AND published_to <> $1",
                cluster_id,
            )
            count = int(status.split()[-1])
            if count:
                log.warning("the broker is a new cluster: re-publishing the events the lost one held",
                            extra={"cluster_id": cluster_id, "events": count})
        self.cluster_id, self._followed = cluster_id, True

    async def publish_pending(self, connection: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        """Publish the oldest unpublished rows, and mark rows published only once the broker acked
        them (to the cluster seen just before sending: if the broker changed meanwhile, the next
        `follow_cluster` sends them again). Returns how many rows were sent.

        Pipelined like the producer itself: a full batch is sent, then the acks of the batch sent
        before it are awaited and that batch is marked, then the next batch (the oldest unpublished
        rows other than this one) is read; so the broker's round trip overlaps the sending and the
        database's. Rows are sent in `seq` order on one producer, which keeps one request in flight
        per partition, so per-key order is the producer's, as when one batch was sent at once. A
        partial batch is awaited and marked before returning (the relay then waits for NOTIFY).
        A failed ack raises: the relay starts over from the unmarked rows (at least once)."""
        rows = self._prefetched
        self._prefetched = None
        if not rows:
            await self._settle(connection)  # or the read below would see the batch in flight again
            rows = await connection.fetch(_SELECT_PENDING, self.config.batch_size)
        if not rows:
            return 0
        acks = []
        spans: list[tracing.PublishSpan] | None = [] if tracing.enabled() else None
        for row in rows:
            headers = headers_from_json(json.loads(row["headers"]))
            if spans is not None:  # a `send` span under the row's request or message (tracing.start_publish)
                headers, span = tracing.start_publish(row["topic"], headers, message_id=str(row["id"]))
                spans.append(span)
            acks.append(await producer.send(row["topic"], row["value"], key=row["key"], headers=headers))
        ids = [row["id"] for row in rows]
        acked = asyncio.gather(*acks)
        acked.add_done_callback(_retrieve)  # awaited later, or never if the relay stops first
        await self._settle(connection)  # the batch before this one
        self._in_flight = _InFlight(ids, acked, spans or [], self.cluster_id)
        if len(rows) >= self.config.batch_size:  # more are waiting: the relay calls again at once
            self._prefetched = await connection.fetch(_SELECT_PENDING_AFTER, self.config.batch_size, ids)
        else:
            await self._settle(connection)
        return len(rows)

    async def _settle(self, connection: asyncpg.Connection) -> None:
        """Await the acks of the batch in flight, then mark it published."""
        batch, self._in_flight = self._in_flight, None
        if batch is None:
            return
        try:
            await batch.acked
        except BaseException as error:
            tracing.end_spans(batch.spans, error)
            raise
        tracing.end_spans(batch.spans)
        await connection.execute(
            "UPDATE outbox SET published_at = now(), published_to = $2 WHERE id = ANY($1::uuid[])",
            batch.ids, batch.cluster_id,
        )
        metrics.OUTBOX_PUBLISHED.inc(len(batch.ids))

    async def _purge_if_due(self, connection: asyncpg.Connection) -> None:
        now = time.monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + self.config.purge_interval_seconds
        outbox_purged = await connection.execute(
            "DELETE FROM outbox WHERE published_at < now() - make_interval(days => $1)", self.config.retention_days
        )
        inbox_purged = await connection.execute(
            "DELETE FROM inbox WHERE handled_at < now() - make_interval(days => $1)",
            self.config.inbox_retention_days,
        )
        log.info("purged old rows", extra={"outbox": outbox_purged, "inbox": inbox_purged})


_SELECT_PENDING = (
    "SELECT id, topic, key, value, headers FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1")
_SELECT_PENDING_AFTER = (
    "SELECT id, topic, key, value, headers FROM outbox WHERE published_at IS NULL AND id <> ALL($2::uuid[]) "
    "ORDER BY seq LIMIT $1")
"""The oldest unpublished rows other than the batch in flight (not marked yet: its acks are awaited)."""


@dataclass
class _InFlight:
    ids: list[object]
    acked: asyncio.Future[list[object]]
    spans: list[tracing.PublishSpan]
    cluster_id: str | None


def _retrieve(future: asyncio.Future[list[object]]) -> None:
    if not future.cancelled():
        future.exception()


async def _close_quietly(connection: asyncpg.Connection) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(connection.close(), 5)
    if not connection.is_closed():
        connection.terminate()
