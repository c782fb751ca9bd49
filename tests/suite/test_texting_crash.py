"""Texting killed (-9) while texts are being sent, then restarted (issue 9, item 2): every text reaches
Twilio exactly once, none is left `sending`, and the statuses and usage end right although the status
callbacks Twilio posted while texting was down were lost.

Real processes on the real broker: the Twilio sandbox (its create call answers after a pause, so the
kill lands between "Twilio took it" and "texting recorded it"; no callback retries, so what it posts
while texting is down is lost) and texting, fed its events and send commands through Kafka.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from uuid import uuid4

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from petcare_contracts import EventPayload, envelope_headers, new_envelope
from petcare_contracts.events.billing import PlanChanged
from petcare_contracts.events.clients import ClientAdded, CompanyRegistered, StaffAdded
from petcare_contracts.events.common import Contact, Phone
from petcare_contracts.events.texting import SendTextRequested
from petcare_kit.identity import Identity, Role, sign_identity
from petcare_kit.kafka import ensure_topics
from petcare_kit.migrations import upgrade_to_head
from petcare_tools.embedded.databases import create_fresh_database
from petcare_tools.embedded.ports import free_port
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from suite.suite_harness import INTERNAL_AUTH_SECRET, Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
MOBILE = "+14165550199"
SAME, DIFFERENT = 25, 25
"""The same body many times (the look-up must not match by body) and different bodies."""
KILL_AFTER = 15
REGISTRATION = {
    "brand_type": "STANDARD", "business_name": "Crash Paws LLC", "phone": "+12125550100",
    "email": "owner@crashpaws.com", "website": "https://crashpaws.com", "ein": "12-3456789",
    "address": {"street": "1 Bark St", "city": "New York", "region": "NY", "postal_code": "10001"},
}


async def start_texting(suite: Suite, port: int, twilio: str) -> str:
    """Texting on a fixed port (a restart keeps the address Twilio calls back), lease and
    reconciliation shortened so that the test takes seconds."""
    spec = suite.spec("texting")
    if "texting" not in suite.databases:
        suite.databases["texting"] = await create_fresh_database(suite.admin_url, "suite_texting_crash")
        await asyncio.to_thread(upgrade_to_head, spec.alembic_dir, suite.databases["texting"])
    env = suite.common_env() | {
        f"{spec.env_prefix}DATABASE_URL": suite.databases["texting"], "TWILIO_API_BASE": twilio,
        "TEXTING_WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}", "TEXTING_TEXT_SENDING_TIMEOUT_SECONDS": "2",
        "TEXTING_TEXT_RECONCILE_AFTER_SECONDS": "2", "TEXTING_TEXT_POLL_INTERVAL_SECONDS": "0.2"}
    return await suite._serve("texting", spec.asgi_factory, env, port=port)


async def publish(bootstrap: str, company_id, payloads: list[EventPayload]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")
    await producer.start()
    try:
        for payload in payloads:
            envelope = new_envelope(payload, company_id=company_id, correlation_id="suite-crash")
            await producer.send_and_wait(payload.topic, envelope.model_dump_json().encode(),
                                         key=str(company_id).encode(), headers=envelope_headers(envelope))
    finally:
        await producer.stop()


async def eventually(check, timeout: float = 120, what: str = "condition"):
    """`check()`'s first truthy answer: a deadline, not a wait (a busy machine delays every effect)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} not reached in {timeout}s (last: {await check()!r})")


async def test_texting_killed_mid_send_sends_each_text_once_and_ends_right(processes, kafka_bootstrap_servers,
                                                                          postgres_admin_url):
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    twilio = await suite._serve("twilio-sandbox", "petcare_tools.sandboxes.twilio:create_app", {
        "TWILIO_SANDBOX_CREATE_LATENCY_MS": "150", "TWILIO_SANDBOX_CALLBACK_RETRIES": "0",
        "TWILIO_SANDBOX_CALLBACK_DELAY_MS": "100"}, probe="/health")
    await ensure_topics(kafka_bootstrap_servers, {t: 4 for t in ("clients.events", "billing.events",
                                                                 "texting.commands", "texting.events")})
    port = free_port()  # outside the ephemeral range: still free when texting is restarted on it
    texting = await start_texting(suite, port, twilio)
    company_id, admin_id, client_id = uuid4(), uuid4(), uuid4()
    admin = Identity(Role.ADMIN, person_id=admin_id, company_id=company_id)
    await publish(kafka_bootstrap_servers, company_id, [
        CompanyRegistered(company_id=company_id, name="Crash Paws", slug="crash-paws", time_zone="America/New_York",
                          first_admin_id=admin_id),
        StaffAdded(staff_id=admin_id, role="admin", contact=Contact(first_name="Olive", last_name="Owner",
                                                                    emails=["o@example.com"], phones=[])),
        ClientAdded(client_id=client_id, contact=Contact(first_name="Ada", last_name="Lovelace", emails=[],
                                                         phones=[Phone(label="mobile", number=MOBILE, e164=MOBILE)])),
        PlanChanged(company_id=company_id, plan="solo", in_trial=False)])

    async with httpx.AsyncClient(base_url=texting, timeout=30) as http, httpx.AsyncClient(base_url=twilio) as sandbox:
        async def call(method: str, path: str, **kw):
            headers = sign_identity(admin, secret=INTERNAL_AUTH_SECRET, method=method, path=path.split("?")[0])
            return await http.request(method, path, headers=headers, **kw)

        async def outbound() -> list[dict]:
            body = (await sandbox.get("/sandbox/messages", params={"to": MOBILE})).json()
            messages = body["messages"] if isinstance(body, dict) else body
            return [m for m in messages if m.get("direction") == "outbound-api"]

        async def solo() -> bool:
            return (await call("GET", "/status")).json().get("plan") == "solo"

        await eventually(solo, what="the plan read model")
        assert (await call("POST", "/turn-on")).status_code == 200
        [offer, *_] = (await call("GET", "/numbers/available?area_code=212")).json()
        assert (await call("POST", "/number", json={"phone_number": offer["phone_number"]})).status_code == 201
        assert (await call("POST", "/registration", json=REGISTRATION)).status_code == 201
        brands = (await sandbox.get("/messaging/v1/a2p/BrandRegistrations", auth=("AC" + "0" * 32, "x"))).json()
        brand_sid = (brands.get("data") or brands.get("brand_registrations"))[0]["sid"]
        await sandbox.post(f"/sandbox/brands/{brand_sid}/status", json={"status": "APPROVED"})
        assert (await call("GET", "/registration")).json()["status"] == "APPROVED"

        bodies = ["Rex had a great walk!"] * SAME + [f"Walk report number {n}" for n in range(DIFFERENT)]
        await publish(kafka_bootstrap_servers, company_id, [
            SendTextRequested(delivery_id=uuid4(), recipient_id=client_id, recipient_kind="client", to_number=MOBILE,
                              body=body, image_urls=[], purpose="conversation_message") for body in bodies])

        # kill -9 right after Twilio stored a text, before its answer reached texting.
        await eventually(lambda: _at_least(outbound, KILL_AFTER), what=f"{KILL_AFTER} texts at Twilio")
        processes.kill("texting")
        sent_before_crash = len(await outbound())
        assert sent_before_crash < len(bodies), "texting finished before it was killed: nothing was tested"
        await asyncio.sleep(1)  # callbacks for texts in flight are posted now, to nobody, and lost
        await start_texting(suite, port, twilio)

        async def settled() -> bool:
            rows = await _texts(suite)
            return len(rows) == len(bodies) and all(r.status == "delivered" for r in rows)

        await eventually(settled, what="every text delivered in texting's log")
        at_twilio = await outbound()
        assert len(at_twilio) == len(bodies)  # each text exactly once
        assert Counter(m["body"] for m in at_twilio) == Counter(bodies)
        rows = await _texts(suite)
        assert {r.twilio_sid for r in rows} == {m["sid"] for m in at_twilio}
        assert not [r for r in rows if r.status in ("pending", "sending")]

        log = (await call("GET", "/messages?direction=outbound")).json()
        assert log["totals"]["sent"] == len(bodies)
        usage = (await call("GET", "/usage")).json()
        assert usage["sent"] == usage["used"] == len(bodies)
        usage_events = await _outbound_usage_events(suite)
        assert len(usage_events) == len(set(usage_events)) == len(bodies)  # billed once per text


async def _at_least(outbound, count: int) -> bool:
    return len(await outbound()) >= count


async def _texts(suite: Suite) -> list:
    engine = create_async_engine(suite.databases["texting"])
    try:
        async with engine.connect() as connection:
            return list(await connection.execute(text(
                "SELECT id, status, twilio_sid FROM texts WHERE direction = 'outbound'")))
    finally:
        await engine.dispose()


async def _outbound_usage_events(suite: Suite) -> list[str]:
    engine = create_async_engine(suite.databases["texting"])
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text(
                "SELECT convert_from(value, 'UTF8')::jsonb AS e FROM outbox ORDER BY seq"))
            return [row.e["data"]["text_id"] for row in rows
                    if row.e.get("type") == "texting.usage.recorded" and row.e["data"]["direction"] == "outbound"]
    finally:
        await engine.dispose()
