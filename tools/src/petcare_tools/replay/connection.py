"""Reaching the broker the one way that is right on Apache Kafka and the embedded Tansu broker.

The data path uses confluent-kafka (librdkafka): a replay is bound by the client, and librdkafka
is several times faster than aiokafka (BROKER.md's throughput table). Settings that matter:
- no idempotent producer (Tansu cannot InitProducerId), so `max.in.flight` is 1: a retried batch
  can never overtake a later one, and order within a partition holds without idempotence;
- `murmur2_random`, the partitioner of Java clients and aiokafka (what our services use), so a keyed
  record goes to the partition the service's own relay would choose;
- topics are read from a full metadata request (no topic named): naming one would auto-create it
  on a broker that auto-creates (Tansu does, with 4 partitions).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from petcare_tools.replay.errors import BadInput, Failed

BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS"
DEFAULT_BOOTSTRAP = "127.0.0.1:9092"
METADATA_TIMEOUT_SECONDS = 10.0
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


def bootstrap_from(option: str | None) -> str:
    """--bootstrap, else $KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092."""
    return option or os.environ.get(BOOTSTRAP_ENV) or DEFAULT_BOOTSTRAP


@dataclass
class Broker:
    """The cluster the tool talks to (`bootstrap`: host:port[,host:port])."""

    bootstrap: str

    def __post_init__(self) -> None:
        self.admin = AdminClient({"bootstrap.servers": self.bootstrap, "client.id": "petcare-replay"})
        self._partitions: dict[str, int] | None = None

    def partitions(self, refresh: bool = False) -> dict[str, int]:
        """Every topic -> its partition count. Failed when no broker answers."""
        if self._partitions is None or refresh:
            try:
                metadata = self.admin.list_topics(timeout=METADATA_TIMEOUT_SECONDS)
            except KafkaException as error:
                raise Failed(f"no broker answered at {self.bootstrap}: {error}") from error
            self._partitions = {name: len(topic.partitions) for name, topic in metadata.topics.items()
                                if topic.error is None}
        return self._partitions

    def cluster_id(self) -> str | None:
        return self.admin.list_topics(timeout=METADATA_TIMEOUT_SECONDS).cluster_id

    def require_topic(self, topic: str, what: str = "topic") -> int:
        """The partition count of `topic`; BadInput (exit 2) when the broker does not have it."""
        count = self.partitions().get(topic)
        if count is None:
            raise BadInput(f"unknown {what} {topic!r} (the broker at {self.bootstrap} has no such topic)")
        return count

    def ensure_topic(self, topic: str, partitions: int) -> None:
        """Create `topic` if missing (the audit topic); another creator winning the race is fine."""
        if topic in self.partitions(refresh=True):
            return
        for future in self.admin.create_topics([NewTopic(topic, partitions, 1)]).values():
            try:
                future.result(timeout=METADATA_TIMEOUT_SECONDS)
            except KafkaException as error:
                if "TOPIC_ALREADY_EXISTS" not in str(error):
                    raise
        self.partitions(refresh=True)

    def producer(self) -> Producer:
        return Producer({
            "bootstrap.servers": self.bootstrap,
            "client.id": "petcare-replay",
            "enable.idempotence": False,
            "acks": "all",
            "max.in.flight.requests.per.connection": 1,
            "partitioner": "murmur2_random",
            "linger.ms": 5,
            "batch.size": 1_000_000,
            "message.max.bytes": MAX_MESSAGE_BYTES,
            "queue.buffering.max.messages": 200_000,
            "allow.auto.create.topics": False,
        })
