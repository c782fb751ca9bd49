"""Watching the broker from a service: is it there, and is it still the broker we set up on?

A memory-only broker that restarts comes back as a new, empty cluster (another cluster id): our
topics are gone, our consumer groups and their offsets too. The watch asks the broker every second
who it is and which topics it has. When the cluster id changed, or topics we created are missing,
it calls the service's recovery (create the topics again, restart the consumers so that they join
their groups afresh) and the service is not ready until that is done. The relay re-publishes what
the lost broker held by itself (`petcare_kit.relay`). On Apache Kafka a restart keeps the cluster
id and the topics: the watch only reports "not ready" while no broker answers, and the clients
carry on by themselves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaClient
from aiokafka.errors import KafkaError

from petcare_kit.kafka import describe_cluster

log = logging.getLogger(__name__)

WATCH_INTERVAL_SECONDS = 1.0


class BrokerNotReady(ConnectionError):
    """The broker does not answer, or it is a new one the service has not set itself up on yet."""


class BrokerWatch:
    """One per service process. `start()` learns the broker's identity, `run_forever()` watches it,
    `check()` (for /ready) raises BrokerNotReady unless the broker answers and is set up on."""

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str,
        topics: dict[str, int],
        recover: Callable[[str], Awaitable[None]],
        interval_seconds: float = WATCH_INTERVAL_SECONDS,
    ) -> None:
        """`topics`: name -> partition count of the topics the service needs. `recover(reason)`
        makes the service work on a new broker (it may raise: it is tried again a second later)."""
        self.client = AIOKafkaClient(bootstrap_servers=bootstrap_servers, client_id=client_id)
        self.topics = topics
        self.cluster_id: str | None = None
        """The cluster the service is set up on."""
        self.recovering = False
        self._recover = recover
        self._interval = interval_seconds
        self._unreachable = False

    async def start(self) -> None:
        """Connect and remember who the broker is. Raises KafkaError while no broker answers."""
        await self.client.bootstrap()
        self.cluster_id = (await describe_cluster(self.client)).cluster_id

    async def check(self) -> None:
        """Raise BrokerNotReady unless a broker answers now and the service is set up on it."""
        try:
            cluster_id = (await describe_cluster(self.client)).cluster_id
        except KafkaError as error:
            raise BrokerNotReady(f"the broker does not answer: {error!r}") from error
        if self.recovering or cluster_id != self.cluster_id:
            raise BrokerNotReady(f"the broker is new (cluster {cluster_id}); recreating topics and rejoining")

    async def run_forever(self) -> None:
        """Watch until cancelled."""
        while True:
            await asyncio.sleep(self._interval)
            await self.watch_once()

    async def watch_once(self) -> None:
        try:
            view = await describe_cluster(self.client, with_topics=True)
        except KafkaError as error:
            if not self._unreachable:
                log.warning("the broker does not answer: %r", error)
            self._unreachable = True
            return
        if self._unreachable:
            log.info("the broker answers again", extra={"cluster_id": view.cluster_id})
            self._unreachable = False
        missing = sorted(set(self.topics) - set(view.partitions))
        if view.cluster_id == self.cluster_id and not missing:
            return
        reason = (f"new broker cluster {view.cluster_id} (was {self.cluster_id})"
                  if view.cluster_id != self.cluster_id else f"topics missing: {missing}")
        self.recovering = True
        log.warning("the broker lost what it held: recovering", extra={"reason": reason})
        try:
            await self._recover(reason)
        except Exception:  # any failure: still not ready, tried again at the next look
            log.exception("recovery from a new broker failed; trying again")
            return
        self.cluster_id, self.recovering = view.cluster_id, False
        log.info("recovered on the broker", extra={"cluster_id": view.cluster_id})
        for topic, wanted in self.topics.items():
            if 0 < view.partitions.get(topic, wanted) < wanted:
                log.warning("topic %s has %d partitions, not %d (auto-created before we could)",
                            topic, view.partitions[topic], wanted)

    async def close(self) -> None:
        await self.client.close()
