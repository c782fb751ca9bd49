"""The embedded broker starts, carries a message end to end, and stops without leftovers."""

from __future__ import annotations

import asyncio

import psutil
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from petcare_kit.kafka import ensure_topics
from petcare_tools.embedded.broker import BrokerError, EmbeddedBroker, answers_metadata
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
    records = []
    try:
        # Until something arrives (a group join and first fetch can take many seconds under load;
        # one 10 s getmany came back empty), then one more short look for anything extra.
        deadline = asyncio.get_running_loop().time() + 60
        while not records and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=1_000)
            records += [record for batch in batches.values() for record in batch]
        batches = await consumer.getmany(timeout_ms=500)
        records += [record for batch in batches.values() for record in batch]
    finally:
        await consumer.stop()
    assert [(r.key, r.value, r.headers) for r in records] == [(b"rex", b"rex was fed", (("type", b"fed"),))]


def test_stop_leaves_no_process_and_the_broker_can_restart() -> None:
    broker = EmbeddedBroker()
    broker.start()
    first_pid = broker.pid
    assert broker.bootstrap_servers == f"{LOCALHOST}:{broker.port}"
    broker.stop()
    assert first_pid is not None and not psutil.pid_exists(first_pid)
    assert not broker.is_running
    broker.start()  # same port, as a crash-and-restart test does
    try:
        assert answers_metadata(broker.port)
    finally:
        broker.stop()
    assert not broker.log_path.parent.exists()  # its own temporary log folder is removed


def test_busy_port_fails_clearly(broker: EmbeddedBroker, tmp_path) -> None:
    with pytest.raises(BrokerError, match="already in use"):
        EmbeddedBroker(port=broker.port, log_path=tmp_path / "second.log").start()


async def test_session_broker_and_unique_topics(
    kafka_bootstrap_servers: str, unique_topic, request: pytest.FixtureRequest
) -> None:
    first, second = unique_topic("pets.events"), unique_topic("pets.events")
    assert first != second and first.startswith("pets.events.test_session_broker")
    await ensure_topics(kafka_bootstrap_servers, {first: 3})
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    try:
        [description] = await admin.describe_topics([first])
    finally:
        await admin.close()
    assert len(description["partitions"]) == 3
    assert request.node.get_closest_marker("infra") is not None
