"""R-REPLAY-9 with the real services: a day of clients.events replayed while notifications consumes
it changes nothing there (no table, no email), and the tool's report says how many of the replayed
messages notifications had already applied (its inbox)."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from petcare_tools.replay.testkit import cli, read_all

from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"


async def table_counts(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        tables = [r["tablename"] for r in await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {t: await connection.fetchval(f'SELECT count(*) FROM "{t}"') for t in tables}
    finally:
        await connection.close()


async def caught_up(bootstrap: str, group: str, topic: str, timeout: float = 120) -> None:
    """Wait until `group` has committed past every record now on `topic`."""
    ends: dict[int, int] = {}
    for record in await asyncio.to_thread(read_all, bootstrap, topic):
        ends[record.partition] = record.offset + 1
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        deadline = time.monotonic() + timeout
        while True:
            offsets = await admin.list_consumer_group_offsets(
                group, partitions=[TopicPartition(topic, p) for p in ends])
            behind = {tp.partition: (meta.offset, ends[tp.partition]) for tp, meta in offsets.items()
                      if meta.offset < ends[tp.partition]}
            if not behind:
                return
            assert time.monotonic() < deadline, f"{group} still behind on {topic}: {behind}"
            await asyncio.sleep(0.3)
    finally:
        await admin.close()


async def mails(sendgrid: str) -> list[dict]:
    async with httpx.AsyncClient() as http:
        body = (await http.get(f"{sendgrid}/sandbox/messages")).json()
        return body["messages"] if isinstance(body, dict) else body


async def test_r_replay_9_a_day_of_clients_events_replayed_into_notifications_changes_nothing(
        processes, kafka_bootstrap_servers, postgres_admin_url):
    started = datetime.now(UTC) - timedelta(seconds=1)
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    sendgrid = await suite.start_sandbox("sendgrid")  # a taken port retried, a start-up's generous deadline
    await suite.start("clients")
    await suite.start("notifications", SENDGRID_HOST=sendgrid, SENDGRID_API_KEY="SG.suite")
    gateway = await suite.start_gateway()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        signup = await http.post("/api/clients/signup", json={
            "company_name": "Replay Paws", "admin": {"first_name": "A", "last_name": "Admin",
                                                     "email": "admin@replaypaws.com", "password": PASSWORD}})
        assert signup.status_code == 201, signup.text
        admin = {"authorization": f"Bearer {signup.json()['tokens']['access_token']}"}
        for name in ("Ivy", "Ian"):
            created = await http.post("/api/clients/clients", headers=admin, json={
                "first_name": name, "last_name": "Invited", "emails": [f"{name.lower()}@example.com"],
                "send_activation_email": True})
            assert created.status_code == 201, created.text
    deadline = time.monotonic() + 120  # notifications may lag behind a busy machine's backlog
    while len(await mails(sendgrid)) < 2:
        assert time.monotonic() < deadline, "the activation emails did not arrive"
        await asyncio.sleep(0.3)
    await caught_up(kafka_bootstrap_servers, "notifications", "clients.events")
    database = suite.databases["notifications"]
    before_tables, before_mails = await table_counts(database), await mails(sendgrid)

    result = await asyncio.to_thread(
        cli, "replay", "clients.events", "--since", started.isoformat(), "--inbox-db", database,
        "--inbox-group", "notifications", "-b", kafka_bootstrap_servers, "--execute", "--reason", "R-REPLAY-9 test")
    assert result.exit_code == 0, result.output
    selected = int(re.search(r"^selected (\d+) of", result.output, re.MULTILINE)[1])
    assert selected >= 3, result.output  # the company and two clients at least
    assert f"already applied by notifications: {selected} of {selected}" in result.output, result.output

    await caught_up(kafka_bootstrap_servers, "notifications", "clients.events")
    await asyncio.sleep(1)
    assert await table_counts(database) == before_tables, "the replay changed notifications' tables"
    assert await mails(sendgrid) == before_mails, "the replay sent an email again"
