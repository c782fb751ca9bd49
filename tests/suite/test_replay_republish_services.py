"""R-REPLAY-7 and R-REPLAY-9 with the real services: clients publishes a client's activation while
notifications is down; the broker then loses everything (restarted empty) with clients stopped, so
no relay can send it again. `petcare-replay republish --service clients` restores clients.events from
clients' outbox archive; notifications, back, builds what it missed (the new client's activation
email is sent once) and sends nothing it had sent before."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import httpx
import pytest
from petcare_tools.replay.testkit import cli

from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"


async def mails_to(sendgrid: str, address: str) -> list[dict]:
    async with httpx.AsyncClient() as http:
        body = (await http.get(f"{sendgrid}/sandbox/messages", params={"to": address})).json()
        return body["messages"] if isinstance(body, dict) else body


async def wait_mails(sendgrid: str, address: str, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(await mails_to(sendgrid, address)) < count:
        assert time.monotonic() < deadline, f"fewer than {count} emails to {address}"
        await asyncio.sleep(0.3)


async def unpublished(url: str) -> int:
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        return int(await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
    finally:
        await connection.close()


async def test_r_replay_7_republish_restores_what_notifications_missed_and_emails_nothing_twice(
        processes, own_embedded_broker, postgres_admin_url):
    broker = own_embedded_broker
    suite = Suite(processes, broker.bootstrap_servers, postgres_admin_url)
    sendgrid = await suite.start_sandbox("sendgrid")  # a taken port retried, a start-up's generous deadline
    await suite.start("clients")
    await suite.start("notifications", SENDGRID_HOST=sendgrid, SENDGRID_API_KEY="SG.suite")
    gateway = await suite.start_gateway()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        signup = await http.post("/api/clients/signup", json={
            "company_name": "Lost Paws", "admin": {"first_name": "A", "last_name": "Admin",
                                                   "email": "admin@lostpaws.com", "password": PASSWORD}})
        assert signup.status_code == 201, signup.text
        admin = {"authorization": f"Bearer {signup.json()['tokens']['access_token']}"}

        async def invite(address: str) -> None:
            response = await http.post("/api/clients/clients", headers=admin, json={
                "first_name": "Pat", "last_name": "Owner", "emails": [address], "send_activation_email": True})
            assert response.status_code == 201, response.text

        await invite("early@example.com")
        await wait_mails(sendgrid, "early@example.com", 1)
        processes.stop("notifications")
        await invite("missed@example.com")  # published while notifications is down
    clients_db = suite.databases["clients"]
    deadline = time.monotonic() + 120
    while await unpublished(clients_db):
        assert time.monotonic() < deadline, "clients' relay did not publish"
        await asyncio.sleep(0.2)
    processes.stop("gateway")
    processes.stop("clients")

    await asyncio.to_thread(broker.restart)  # the broker lost every topic and message
    result = await asyncio.to_thread(cli, "republish", "--service", "clients", "--database-url", clients_db,
                                     "--create-topics", "-b", broker.bootstrap_servers, "--execute")
    assert result.exit_code == 0, result.output
    assert "topics created: clients.events" in result.output, result.output

    await suite.restart("notifications")
    await wait_mails(sendgrid, "missed@example.com", 1)
    await asyncio.sleep(3)  # a doubled email would arrive now
    assert len(await mails_to(sendgrid, "missed@example.com")) == 1
    assert len(await mails_to(sendgrid, "early@example.com")) == 1, "an email was sent twice"
