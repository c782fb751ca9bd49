"""R-SCALE-1: three replicas of notifications and three of texting, one of each killed (-9) mid-stream
and started again: every trigger reaches the SendGrid sandbox as one email and the Twilio sandbox as
one text, none lost, none doubled.

Real processes on the real broker: clients, billing (the plan, R-PLAN-1), notifications ×3 and
texting ×3 (one database and one consumer group per service: their consumers share the partitions,
their email and text dispatchers share the due rows, their outbox relays elect one publisher), the
gateway, the sandboxes. Twilio's status callbacks go to replica 1 of texting (the one never killed).

The triggers are what scheduling publishes when a visit is completed with a message for the client
(`scheduling.visit.completed`, keyed by visit id, so spread over the 8 partitions): notifications
puts the message in the client's feed and delivers it by email and by text (R-EMAIL-1, the clients
set to Text & Email), the text through `texting.commands` to texting. Half of them are published,
then once some emails are out both replicas 2 are killed, the other half is published while they
are down, and they are started again. REPLICAS_TEST_TRIGGERS sets how many: 120 in `make test`,
2,000 in `make test-replicas` (2,000 settled 251 s after the first trigger, 4 min 56 s in all, after
the wake-ups of issue 14; before them 300 took 117 s and 500 took 5.5 min on a busy 2-core machine, the
texts the slow part: texting's dispatcher handed over 2 to 5 texts a second in all).
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from petcare_contracts import envelope_headers, new_envelope
from petcare_contracts.events.scheduling import VisitCompleted, VisitSummary
from petcare_tools.testing.topics import envelope_of, read_topic
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from suite.plans import SHORT_TRIAL, hold_port
from suite.suite_harness import Suite
from suite.test_texting_crash import eventually
from suite.test_texting_flow import _switches_available, _texting_set_up

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(900),
]
PASSWORD = "a long enough password"
TRIGGERS = int(os.environ.get("REPLICAS_TEST_TRIGGERS", "120"))
"""120 in `make test` (about a minute and a half on a busy 2-core machine); `make test-replicas` sends 2,000."""
REPLICAS = 3
CLIENTS = 40
"""Texts to one number go one at a time (texting's lanes): enough numbers that the replicas share them."""
LEASE_SECONDS = "30"
"""How long a dead replica's claimed email or text stays claimed before another replica takes it (the
default is 60 s). Shorter leases run out under load before a batch of 20 is sent, and replicas then
keep taking rows from each other (each call is still made once: `owns` and the provider look-up)."""
QUIET = {"LOG_LEVEL": "WARNING"}
"""Thousands of sends logged line by line (the Twilio SDK logs ten lines a request) cost more CPU than the sends."""
NOTIFICATIONS_ENV = {**QUIET, "SENDGRID_API_KEY": "SG.suite", "NOTIFICATIONS_EMAIL_POLL_INTERVAL_SECONDS": "0.25",
                     "NOTIFICATIONS_EMAIL_SENDING_TIMEOUT_SECONDS": LEASE_SECONDS}
TEXTING_ENV = {**QUIET, "TEXTING_TEXT_POLL_INTERVAL_SECONDS": "0.25",
               "TEXTING_TEXT_SENDING_TIMEOUT_SECONDS": LEASE_SECONDS}
MARK = re.compile(r"Walk report (\d{6})\b")


def report(n: int) -> str:
    """Trigger n's message: its number is how the sandboxes' emails and texts are matched to it."""
    return f"Walk report {n:06d}: Rex had a great walk!"


@pytest.fixture
async def world(processes, own_embedded_broker, postgres_admin_url):
    # A broker of its own: killing replicas leaves members the embedded broker may keep listed in
    # the "notifications" and "texting" groups, which later tests on the session broker also join.
    kafka_bootstrap_servers = own_embedded_broker.bootstrap_servers
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    sendgrid, twilio = await asyncio.gather(suite.start_sandbox("sendgrid"), suite.start_sandbox("twilio"))
    # Replica 1's port is named to itself (Twilio's callbacks): held bound until it starts (port race).
    held = hold_port()
    texting_port = held.getsockname()[1]
    try:
        for name in ("clients", "billing", "notifications", "texting"):  # migrations one at a time (alembic)
            await suite.database(name)
    finally:
        held.close()
    await asyncio.gather(
        suite.start("clients", **QUIET), suite.start("billing", **SHORT_TRIAL, **QUIET),
        suite.start_replicas("notifications", REPLICAS, SENDGRID_HOST=sendgrid, **NOTIFICATIONS_ENV),
        suite.start_replicas("texting", REPLICAS, ports=[texting_port, None, None],
                             TWILIO_API_BASE=twilio, TEXTING_WEBHOOK_BASE_URL=f"http://127.0.0.1:{texting_port}",
                             **TEXTING_ENV))
    gateway = await suite.start_gateway()
    return suite, gateway, sendgrid, twilio


async def test_r_scale_1_three_replicas_one_killed_each_trigger_is_emailed_and_texted_once(world):
    suite, gateway, sendgrid, twilio = world
    began = time.monotonic()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http, httpx.AsyncClient(timeout=60) as outside:
        signup = (await http.post("/api/clients/signup", json={"company_name": "Many Paws", "admin": {
            "first_name": "Mo", "last_name": "Admin", "email": "mo@manypaws.com", "password": PASSWORD}})).json()
        admin = {"authorization": f"Bearer {signup['tokens']['access_token']}"}
        company_id = UUID(signup["company"]["id"])
        clients = [await _client(http, admin, n) for n in range(CLIENTS)]
        await _texting_set_up(http, outside, twilio, admin)
        await _wait_text_and_email(http, admin, clients)
        await eventually(lambda: _switches_available(http, admin), what="texting available in notifications")
        set_up = time.monotonic()

        notifications = create_async_engine(suite.databases["notifications"])
        texting = create_async_engine(suite.databases["texting"])
        try:
            first, second = range(TRIGGERS // 2), range(TRIGGERS // 2, TRIGGERS)
            await _publish(suite.bootstrap_servers, company_id, clients, first)
            await eventually(lambda: _emails_sent_at_least(notifications, TRIGGERS // 10), timeout=120,
                             what="a tenth of the emails sent")
            suite.kill("notifications-2")
            suite.kill("texting-2")
            assert await _emails_sent(notifications) < TRIGGERS // 2, "the first half was sent before the kill"
            await _publish(suite.bootstrap_servers, company_id, clients, second)
            await asyncio.gather(suite.restart("notifications-2"), suite.restart("texting-2"))
            # A deadline, not a wait: the killed replicas' claims stay theirs for LEASE_SECONDS first.
            await _until_settled(notifications, texting, timeout=180 + TRIGGERS / 4)
            done = time.monotonic()
        finally:
            await notifications.dispose()
            await texting.dispose()

        emails = await _marks(outside, f"{sendgrid}/sandbox/messages", lambda m: "text",
                              keep=lambda m: bool(set(m["to"]) & {c["emails"][0] for c in clients}))
        texts = await _marks(outside, f"{twilio}/sandbox/messages", lambda m: "body",
                             keep=lambda m: m.get("direction") == "outbound-api")
    everything = Counter(range(TRIGGERS))
    assert emails == everything, _difference(emails, everything)
    assert texts == everything, _difference(texts, everything)

    # The outbox relay of three replicas (its leader possibly killed): one command per trigger. A
    # leader killed between publishing and marking re-publishes the same message (same id), which
    # texting drops; never a second command for one delivery.
    records = await read_topic(suite.bootstrap_servers, "texting.commands", at_least=TRIGGERS, timeout=120)
    commands = [envelope_of(r) for r in records]
    mine = [c for c in commands if c["company_id"] == str(company_id) and c["type"] == "texting.text.send_requested"]
    ids_per_delivery = Counter(c["data"]["delivery_id"] for c in {c["id"]: c for c in mine}.values())
    assert len(ids_per_delivery) == TRIGGERS and set(ids_per_delivery.values()) == {1}
    print(f"\nR-SCALE-1: {TRIGGERS} triggers, {REPLICAS} replicas each of notifications and texting, "
          f"{CLIENTS} clients; {sum(emails.values())} emails, {sum(texts.values())} texts, "
          f"{len(mine)} command records for {len(ids_per_delivery)} deliveries; set-up {set_up - began:.1f} s, "
          f"triggers to settled {done - set_up:.1f} s")


async def _client(http: httpx.AsyncClient, admin: dict[str, str], n: int) -> dict[str, Any]:
    created = await http.post("/api/clients/clients", headers=admin, json={
        "first_name": "Client", "last_name": f"Number{n}", "emails": [f"client{n}@example.com"],
        "phones": [{"label": "mobile", "number": f"(416) 555-{100 + n:04d}"}]})
    assert created.status_code == 201, created.text
    client: dict[str, Any] = created.json()
    answer = await http.put(f"/api/notifications/preferences/{client['id']}", headers=admin,
                            json={"default_delivery": "text_and_email", "texting_enabled": True})
    assert answer.status_code == 200, answer.text
    return client


async def _wait_text_and_email(http: httpx.AsyncClient, admin: dict[str, str], clients: list[dict[str, Any]],
                               timeout: float = 180) -> None:  # noqa: ASYNC109 (a polling wait)
    """Until notifications knows every client, set to Text & Email (their preferences not `pending`)."""
    waiting = {client["id"]: {} for client in clients}
    deadline = time.monotonic() + timeout
    while waiting:
        assert time.monotonic() < deadline, f"clients not ready at notifications: {list(waiting.values())[:3]}"
        for person_id in list(waiting):
            prefs = (await http.get(f"/api/notifications/preferences/{person_id}", headers=admin)).json()
            if prefs.get("pending") is False and prefs.get("default_delivery") == "text_and_email":
                del waiting[person_id]
                continue
            waiting[person_id] = prefs
            if prefs.get("pending") is False:  # known, but the choice made while pending was not applied
                await http.put(f"/api/notifications/preferences/{person_id}", headers=admin,
                               json={"default_delivery": "text_and_email", "texting_enabled": True})
        await asyncio.sleep(0.25)


async def _publish(bootstrap: str, company_id: UUID, clients: list[dict[str, Any]], numbers: range) -> None:
    """What scheduling publishes when a visit is completed with a message (keyed by visit id)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all", linger_ms=5)
    await producer.start()
    try:
        sent = []
        for n in numbers:
            client, visit_id = clients[n % len(clients)], uuid4()
            payload = VisitCompleted(
                visit_id=visit_id, client_id=client["id"], staff_id=None, message_for_client=report(n),
                visit=VisitSummary(visit_id=visit_id, service_name="Dog walk", visit_date=datetime.now(UTC).date(),
                                   pet_names=["Rex"]))
            envelope = new_envelope(payload, company_id=company_id, correlation_id=f"replicas-{n}")
            sent.append(await producer.send(payload.topic, envelope.model_dump_json().encode(),
                                            key=str(visit_id).encode(), headers=envelope_headers(envelope)))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def _scalar(engine: AsyncEngine, sql: str) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text(sql))).scalar_one())


async def _emails_sent(notifications: AsyncEngine) -> int:
    return await _scalar(notifications, "SELECT count(*) FROM deliveries WHERE email_state = 'sent' "
                                        "AND trigger = 'visit_completed_message'")


async def _emails_sent_at_least(notifications: AsyncEngine, count: int) -> bool:
    return await _emails_sent(notifications) >= count


async def _until_settled(notifications: AsyncEngine, texting: AsyncEngine, timeout: float) -> None:  # noqa: ASYNC109
    """Until every trigger is decided and no email or text is left to send or claimed: no provider
    call can happen any more, so what the sandboxes hold then is final."""
    start = time.monotonic()
    deadline, shown = start + timeout, start
    while True:
        progress = {
            "emails sent": await _emails_sent(notifications),
            "texts handed over": await _scalar(texting, "SELECT count(*) FROM texts WHERE direction = 'outbound' "
                                                        "AND twilio_sid IS NOT NULL"),
            "decided": await _scalar(notifications, "SELECT count(*) FROM deliveries "
                                                    "WHERE trigger = 'visit_completed_message'"),
            "emails open": await _scalar(notifications, "SELECT count(*) FROM deliveries "
                                                        "WHERE email_state IN ('pending', 'sending')"),
            "texts": await _scalar(texting, "SELECT count(*) FROM texts WHERE direction = 'outbound'"),
            "texts open": await _scalar(texting, "SELECT count(*) FROM texts WHERE status IN ('pending', 'sending')"),
        }
        if (progress["decided"], progress["texts"], progress["emails open"], progress["texts open"]) == (
                TRIGGERS, TRIGGERS, 0, 0):
            return
        if time.monotonic() - shown > 15:  # the curve, in the output of a failed (or -s) run
            shown = time.monotonic()
            print(f"{shown - start:5.0f} s: {progress}")
        assert time.monotonic() < deadline, f"not settled in {timeout:.0f} s: {progress}"
        await asyncio.sleep(0.5)


async def _marks(http: httpx.AsyncClient, url: str, field: Any, keep: Any) -> Counter[int]:
    """How many times each trigger's number appears in what a sandbox accepted."""
    body = (await http.get(url)).json()
    messages = body["messages"] if isinstance(body, dict) else body
    found: Counter[int] = Counter()
    for message in filter(keep, messages):
        for mark in set(MARK.findall(message.get(field(message)) or "")):
            found[int(mark)] += 1
    return found


def _difference(got: Counter[int], wanted: Counter[int]) -> str:
    lost = sorted(set(wanted) - set(got))
    doubled = sorted(n for n, times in got.items() if times > 1)
    return f"{len(lost)} lost (first {lost[:10]}), {len(doubled)} doubled (first {doubled[:10]})"
