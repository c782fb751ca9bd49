"""Writing records to the broker: paced (`--rate`), in order per partition, every delivery checked.

Order: the producer allows one request in flight per broker (connection.py), and records are
produced in the order read, so within a target partition they land in their source order.
Partition: `same` keeps the record's partition number (the key's partition when the partition
counts match); `key` lets the murmur2 partitioner (the Java/aiokafka one) choose by key.
"""

from __future__ import annotations

import time
from typing import Any

from confluent_kafka import KafkaException

from petcare_tools.replay.connection import Broker
from petcare_tools.replay.errors import Failed
from petcare_tools.replay.records import Record

FLUSH_TIMEOUT_SECONDS = 60.0


class Pacer:
    """Sleeps so that no more than `rate` messages per second go out (None: no limit). Measured
    from the first message, so a slow start is not made up with a burst above the rate."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self._started: float | None = None
        self._count = 0

    def wait_turn(self) -> None:
        if not self.rate:
            return
        now = time.monotonic()
        if self._started is None:
            self._started = now
        due = self._started + self._count / self.rate
        if due > now:
            time.sleep(due - now)
        self._count += 1


def _headers(record: Record) -> list[tuple[str, str | bytes | None]] | None:
    return list(record.headers) or None


class Writer:
    """Produces records; `close()` waits for every acknowledgement and raises Failed naming how many
    were written when any delivery failed."""

    def __init__(self, broker: Broker, *, rate: float | None = None, keep_timestamps: bool = True) -> None:
        self.producer = broker.producer()
        self.pacer = Pacer(rate)
        self.keep_timestamps = keep_timestamps
        self.sent = 0
        self.delivered = 0
        self.errors: list[str] = []

    def _on_delivery(self, error: Any, message: Any) -> None:
        if error is not None:
            self.errors.append(str(error))
        else:
            self.delivered += 1

    def write(self, record: Record, topic: str, partition: int | None) -> None:
        """Queue `record` for `topic` (`partition` None: chosen by key)."""
        if self.errors:
            raise Failed(f"a write failed ({self.errors[0]}); {self.delivered} messages were written before it")
        self.pacer.wait_turn()
        extra: dict[str, Any] = {}
        if partition is not None:
            extra["partition"] = partition
        if self.keep_timestamps and record.timestamp is not None:
            extra["timestamp"] = record.timestamp
        while True:
            try:
                self.producer.produce(topic, value=record.value, key=record.key, headers=_headers(record),
                                      on_delivery=self._on_delivery, **extra)
                break
            except BufferError:
                self.producer.poll(0.05)  # the local queue is full: let deliveries drain
            except KafkaException as error:
                raise Failed(f"cannot write to {topic}: {error}; {self.delivered} written before") from error
        self.sent += 1
        if self.sent % 1000 == 0:
            self.producer.poll(0)

    def close(self) -> int:
        """Wait for every acknowledgement; the number delivered. Failed when some were not."""
        remaining = self.producer.flush(FLUSH_TIMEOUT_SECONDS)
        if remaining or self.errors:
            raise Failed(f"{self.delivered} of {self.sent} messages written; "
                         f"{remaining} unacknowledged, {len(self.errors)} failed"
                         + (f" (first: {self.errors[0]})" if self.errors else ""))
        return self.delivered
