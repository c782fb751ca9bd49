"""The embedded broker starts, carries a message end to end, and stops without leftovers."""

from __future__ import annotations

import psutil
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from petcare_kit.kafka import ensure_topics
from petcare_tools.embedded.broker import BrokerError, EmbeddedBroker
from petcare_tools.embedded.ports import LOCALHOST

pytestmark = pytest.mark.infra


@pytest.fixture
def broker(tmp_path):
    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log")
    try:
        broker.start()
        yield broker
    finally:
        broker.stop()


async def test_produced_message_is_consumed_back(broker: EmbeddedBroker) -> None:
    await ensure_topics(broker.bootstrap_servers, {"pets.events": 2})
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, enable_idempotence=False)
    await producer.start()
    try:
        await producer.send_and_wait("pets.events", b"rex was fed", key=b"rex", headers=[("type", b"fed")])
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        "pets.events",
        bootstrap_servers=broker.bootstrap_servers,
        group_id="test-group",
        auto_offset_reset="earliest",
        session_timeout_ms=6000,  # joins take half of it on this broker (BROKER.md)
        heartbeat_interval_ms=1000,
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=10_000)
    finally:
        await consumer.stop()
    records = [record for batch in batches.values() for record in batch]
    assert [(r.key, r.value, r.headers) for r in records] == [(b"rex", b"rex was fed", (("type", b"fed"),))]


def test_stop_leaves_no_process(tmp_path) -> None:
    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log")
    broker.start()
    pid = broker.pid
    assert broker.bootstrap_servers == f"{LOCALHOST}:{broker.port}"
    broker.stop()
    assert pid is not None and not psutil.pid_exists(pid)
    assert not broker.is_running


def test_busy_port_fails_clearly(broker: EmbeddedBroker, tmp_path) -> None:
    with pytest.raises(BrokerError, match="already in use"):
        EmbeddedBroker(port=broker.port, log_path=tmp_path / "second.log").start()
