"""Kafka clients configured the one way that is right on both Apache Kafka and the embedded broker.

The embedded Tansu broker has no idempotent producer (InitProducerId fails), so idempotence stays
off and consumers are idempotent instead (inbox). `acks=all` so a published row is on every
in-sync replica before the outbox marks it sent.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field

from aiokafka import AIOKafkaClient, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError
from aiokafka.protocol.metadata import MetadataRequest
from petcare_contracts import TOPICS, dead_letter_topic
from petcare_contracts.topics import DEAD_LETTER_PARTITIONS

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 8 * 1024 * 1024
METADATA_TIMEOUT_SECONDS = 5.0


def new_producer(bootstrap_servers: str, *, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=5,
        max_batch_size=256 * 1024,
        max_request_size=MAX_REQUEST_BYTES,
        request_timeout_ms=30_000,
    )


def topics_for(*, publishes: list[str], consumes: list[str], consumer_group: str | None) -> dict[str, int]:
    """The topics a service touches, with their partition counts, including its dead-letter topic."""
    wanted = {name: TOPICS[name].partitions if name in TOPICS else 1 for name in [*publishes, *consumes]}
    if consumer_group:
        wanted[dead_letter_topic(consumer_group)] = DEAD_LETTER_PARTITIONS
    return wanted


async def ensure_topics(bootstrap_servers: str, topics: dict[str, int], *, replication_factor: int = 1) -> None:
    """Create topics explicitly with their partition counts; those that exist are left alone.

    Done before anything produces or consumes: auto-creation would pick the broker's default count.
    """
    if not topics:
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="petcare-topic-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, num_partitions=partitions, replication_factor=replication_factor)
            for name, partitions in topics.items()
            if name not in existing
        ]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass  # another replica created it first
            log.info("created topics", extra={"topics": [t.name for t in missing]})
    finally:
        await admin.close()


@dataclass(frozen=True)
class ClusterView:
    """What one Metadata request tells about the broker: who it is and (if asked) its topics.

    `cluster_id` is the broker's identity: Apache Kafka keeps it for the cluster's whole life,
    through restarts; the embedded broker is started with a new one each time, since it forgets
    everything (`petcare_tools.embedded.broker`). None from a broker too old to say (Metadata < v2).
    `partitions` maps each topic to its partition count (empty unless `with_topics`).
    """

    cluster_id: str | None
    partitions: dict[str, int] = field(default_factory=dict)


async def describe_cluster(client: AIOKafkaClient, *, with_topics: bool = False) -> ClusterView:
    """Ask any reachable broker of `client` for the cluster id (and every topic, `with_topics`).

    A request naming no topic list asks for all of them and never auto-creates one (naming a topic
    would, on a broker that auto-creates). Raises KafkaConnectionError when no broker answers
    within METADATA_TIMEOUT_SECONDS.
    """
    nodes = [broker.nodeId for broker in client.cluster.brokers()]
    random.shuffle(nodes)
    last_error: BaseException | None = None
    for node in nodes:
        try:
            response = await asyncio.wait_for(
                client.send(node, MetadataRequest(None if with_topics else [])), METADATA_TIMEOUT_SECONDS)
        except (KafkaError, OSError, TimeoutError) as error:
            last_error = error
            continue
        partitions = {topic[1]: len(topic[-1]) for topic in response.topics if topic[0] == 0}
        return ClusterView(getattr(response, "cluster_id", None), partitions)
    raise KafkaConnectionError(f"no broker answered a metadata request: {last_error!r}")
