"""A topic watcher in a thread (librdkafka, so it costs the measured processes little): notes when
each record arrives, to time "last record on the topic" and to prove every message arrived once."""

from __future__ import annotations

import threading
import time

from confluent_kafka import Consumer, TopicPartition

from bench.common import unique_name


class TopicTail:
    def __init__(self, bootstrap_servers: str, topic: str, partitions: int) -> None:
        self._consumer = Consumer({
            "bootstrap.servers": bootstrap_servers,
            "group.id": unique_name("tail"),
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 5,
        })
        self._consumer.assign([TopicPartition(topic, p, -2) for p in range(partitions)])  # from the start
        self._stop = threading.Event()
        self._lock = threading.Lock()
        # (monotonic arrival, value, headers, the record's CreateTime in ms: when the relay sent it)
        self.arrivals: list[tuple[float, bytes, list, int]] = []
        self.errors: list[str] = []
        self._thread = threading.Thread(target=self._run, name=f"tail-{topic}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                # consume() waits for its whole timeout unless num_messages arrive: keep it short, so the
                # arrival time of the last record is within ~5 ms
                messages = self._consumer.consume(num_messages=10_000, timeout=0.005)
                now = time.monotonic()
                batch = []
                for message in messages:
                    if message.error() is not None:
                        self.errors.append(str(message.error()))
                        continue
                    batch.append((now, message.value(), message.headers() or [], message.timestamp()[1]))
                if batch:
                    with self._lock:
                        self.arrivals.extend(batch)
        finally:
            self._consumer.close()

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.arrivals)

    def snapshot(self) -> list[tuple[float, bytes, list, int]]:
        with self._lock:
            return list(self.arrivals)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)
