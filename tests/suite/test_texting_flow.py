"""Texting end to end: the real broker, the real twilio SDK, the Twilio sandbox calling the gateway
back with signed webhooks; clients, notifications, texting, billing (the plan, R-PLAN-1) and the
gateway as processes."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from suite.plans import SHORT_TRIAL, choose_plan_for_texting, hold_port
from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"
MOBILE = "+14165550199"


async def eventually(check, timeout: float = 120, what: str = "condition"):
    """`check()`'s first truthy answer. A deadline, not a wait: each effect here crosses services and
    the broker, which lag behind on a busy machine (two test workers, each with its own services)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.25)
    raise AssertionError(f"{what} not reached in {timeout}s")


@pytest.fixture
async def world(processes, kafka_bootstrap_servers, postgres_admin_url):
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    sendgrid, twilio = await suite.start_sandbox("sendgrid"), await suite.start_sandbox("twilio")
    held = hold_port()  # the gateway's, named to texting before the gateway starts (port race)
    gateway_port = held.getsockname()[1]
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    try:
        await suite.start("clients")
        await suite.start("notifications", SENDGRID_HOST=sendgrid, SENDGRID_API_KEY="SG.suite")
        await suite.start("texting", TWILIO_API_BASE=twilio, TEXTING_WEBHOOK_BASE_URL=f"{gateway_url}/api/texting")
        await suite.start("billing", **SHORT_TRIAL)
    finally:
        held.close()
    await suite.start_gateway(port=gateway_port)
    return suite, gateway_url, sendgrid, twilio


async def test_texts_out_and_in_through_every_service(world):
    suite, gateway, sendgrid, twilio = world
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http, \
            httpx.AsyncClient(timeout=30) as outside:
        signup = (await http.post("/api/clients/signup", json={"company_name": "Text Paws", "admin": {
            "first_name": "Tess", "last_name": "Admin", "email": "tess@textpaws.com", "password": PASSWORD}})).json()
        admin = {"authorization": f"Bearer {signup['tokens']['access_token']}"}
        client = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Ada", "last_name": "Lovelace", "emails": ["ada@example.com"],
            "phones": [{"label": "mobile", "number": "(416) 555-0199"}]})).json()

        # The company gets texting: plan, switch on, a number, an approved A2P registration.
        number = await _texting_set_up(http, outside, twilio, admin)

        # The client is texted: a feed message delivered per their preference.
        await http.put(f"/api/notifications/preferences/{client['id']}", headers=admin,
                       json={"default_delivery": "text_only", "texting_enabled": True})
        await eventually(lambda: _switches_available(http, admin), what="texting available in notifications")
        # The client reaches notifications on clients.events, texting's availability on texting.events:
        # no order between the two, so wait for the client (their preference applied) as well.
        await eventually(lambda: _text_only_applied(http, admin, client["id"]), what="the client at notifications")
        await http.post(f"/api/notifications/conversations/{client['id']}/messages", headers=admin,
                        json={"text": "Rex had a **great** walk!"})
        [text] = await eventually(lambda: _sent(outside, twilio, MOBILE), what="the text at Twilio")
        assert text["body"] == "Rex had a GREAT walk!"
        delivered = await eventually(lambda: _delivery(http, admin, client["id"], "delivered"), what="delivered")
        assert delivered["text"]["state"] == "delivered"
        log = (await http.get("/api/texting/messages?direction=outbound", headers=admin)).json()
        assert log["messages"][0]["status"] == "delivered"

        # The client texts back: it reaches their feed. A stranger texts: the company is emailed.
        await outside.post(f"{twilio}/sandbox/inbound", json={"from": MOBILE, "to": number, "body": "Thanks!"})
        await eventually(lambda: _feed_has(http, admin, client["id"], "Thanks!"), what="inbound in the feed")
        await outside.post(f"{twilio}/sandbox/inbound", json={"from": "+13125550100", "to": number, "body": "Hello?"})
        await eventually(lambda: _mails(outside, sendgrid, "tess@textpaws.com"), what="the unassigned email")
        assert len((await http.get("/api/texting/unassigned", headers=admin)).json()) == 1

        # STOP: the next message is not texted, and the decision says why. The decision is made with
        # what notifications knows: wait until texting's opt-out has reached it (no fixed pause).
        await outside.post(f"{twilio}/sandbox/inbound", json={"from": MOBILE, "to": number, "body": "STOP"})
        await eventually(lambda: _opted_out_at_notifications(suite, MOBILE), what="the STOP at notifications")
        await http.post(f"/api/notifications/conversations/{client['id']}/messages", headers=admin,
                        json={"text": "Are you there?"})
        last = await eventually(lambda: _delivery(http, admin, client["id"], None, newest_text="Are you there?"),
                                what="the second decision")
        assert not next(c for c in last["decision"] if c["channel"] == "text")["chosen"]
        assert "STOP" in " ".join(next(c for c in last["decision"] if c["channel"] == "text")["reasons"])
        assert len(await _sent(outside, twilio, MOBILE)) == 1


async def test_r_text_4_a_conversation_message_is_texted_to_the_client_phone_number_field(world):
    """The company names a custom field as the client phone number field (texting's setting); a
    client has another number there than their mobile phone: the message reaches Twilio for the
    field's number, and never for the mobile phone's."""
    suite, gateway, sendgrid, twilio = world
    field_number, phone_number = "+16465550123", "+14165550177"
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http, \
            httpx.AsyncClient(timeout=30) as outside:
        signup = (await http.post("/api/clients/signup", json={"company_name": "Field Paws", "admin": {
            "first_name": "Fay", "last_name": "Admin", "email": "fay@fieldpaws.com", "password": PASSWORD}})).json()
        admin = {"authorization": f"Bearer {signup['tokens']['access_token']}"}
        client = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Cy", "last_name": "Cell", "emails": ["cy@example.com"],
            "phones": [{"label": "mobile", "number": "(416) 555-0177"}],
            "custom_fields": {"Texting number": "(646) 555-0123"}})).json()
        # Set before texting becomes available: texting.events are keyed by company, so once
        # notifications says texting is available it has the setting too.
        settings = await http.put("/api/texting/settings", headers=admin, json={"mobile_field": "Texting number"})
        assert settings.status_code == 200 and settings.json()["mobile_field"] == "Texting number"
        await _texting_set_up(http, outside, twilio, admin)
        # Texting's own report (R-TEXT-11) names the same number.
        await eventually(lambda: _validity_number(http, admin, client["id"], "(646) 555-0123"),
                         what="the field's number in texting's validity report")

        await http.put(f"/api/notifications/preferences/{client['id']}", headers=admin,
                       json={"default_delivery": "text_only", "texting_enabled": True})
        await eventually(lambda: _switches_available(http, admin), what="texting available in notifications")
        # The client reaches notifications on clients.events, texting's availability on texting.events:
        # no order between the two, so wait for the client (their preference applied) as well.
        await eventually(lambda: _text_only_applied(http, admin, client["id"]), what="the client at notifications")
        posted = await http.post(f"/api/notifications/conversations/{client['id']}/messages", headers=admin,
                                 json={"text": "Rex is home"})
        assert posted.status_code == 201, posted.text
        [text] = await eventually(lambda: _sent(outside, twilio, field_number), what="the text at Twilio")
        assert text["body"] == "Rex is home"
        await eventually(lambda: _delivery(http, admin, client["id"], "delivered"), what="delivered")
        assert await _sent(outside, twilio, phone_number) == []


async def _texting_set_up(http, outside, twilio, admin) -> str:  # type: ignore[no-untyped-def]
    """Plan (at billing, the short trial over), texting on, a number bought, the A2P registration
    approved; returns the number."""
    await choose_plan_for_texting(http, admin, "solo", timeout=120)
    assert (await http.post("/api/texting/turn-on", headers=admin)).status_code == 200
    [offer, *_] = (await http.get("/api/texting/numbers/available?area_code=416&country=CA", headers=admin)).json()
    bought = await http.post("/api/texting/number", headers=admin, json={"phone_number": offer["phone_number"]})
    number: str = bought.json()["number"]
    await http.post("/api/texting/registration", headers=admin, json={
        "brand_type": "SOLE_PROPRIETOR", "business_name": "Text Paws", "phone": "+12125550100",
        "email": "tess@textpaws.com", "ssn": "123-45-6789",
        "address": {"street": "1 Main St", "city": "Albany", "region": "NY", "postal_code": "12207"}})
    brand = (await outside.get(f"{twilio}/messaging/v1/a2p/BrandRegistrations",
                               auth=("AC00000000000000000000000000000000", "x"))).json()
    brand_sid = brand["data"][0]["sid"] if "data" in brand else brand["brand_registrations"][0]["sid"]
    await outside.post(f"{twilio}/sandbox/brands/{brand_sid}/status", json={"status": "APPROVED"})
    assert (await http.get("/api/texting/registration", headers=admin)).json()["status"] == "APPROVED"
    return number


async def _opted_out_at_notifications(suite: Suite, number: str) -> bool:
    """Whether notifications has the opt-out of `number` (texting's OptOutChanged, R-TEXT-12)."""
    engine = create_async_engine(suite.databases["notifications"])
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(text("SELECT count(*) FROM opt_outs WHERE number = :number"),
                                            {"number": number})
            return bool(found)
    finally:
        await engine.dispose()


async def _validity_number(http, admin, person_id, number):  # type: ignore[no-untyped-def]
    validity = (await http.get("/api/texting/validity?kind=client", headers=admin)).json()
    return [v["number"] for v in validity if v["person_id"] == person_id] == [number]


async def _text_only_applied(http, admin, person_id) -> bool:  # type: ignore[no-untyped-def]
    """Notifications knows the person and applied the Text only preference set while it did not."""
    prefs = (await http.get(f"/api/notifications/preferences/{person_id}", headers=admin)).json()
    return prefs.get("pending") is False and (prefs.get("default_delivery"), prefs.get("texting_enabled")) == (
        "text_only", True)


async def _switches_available(http, admin):
    return (await http.get("/api/notifications/switches", headers=admin)).json()["texting_available"]


async def _sent(outside, twilio, number):
    body = (await outside.get(f"{twilio}/sandbox/messages", params={"to": number})).json()
    messages = body["messages"] if isinstance(body, dict) else body
    return [m for m in messages if m.get("direction") == "outbound-api"]


async def _delivery(http, admin, person_id, text_state, newest_text=None):
    log = (await http.get(f"/api/notifications/deliveries?person_id={person_id}", headers=admin)).json()
    if newest_text is not None:
        return log[0] if len(log) >= 2 else None
    return log[0] if log and log[0]["text"]["state"] == text_state else None


async def _feed_has(http, admin, person_id, text):
    feed = (await http.get(f"/api/notifications/conversations/{person_id}/messages", headers=admin)).json()
    return any(m["text"] == text for m in feed["messages"])


async def _mails(outside, sendgrid, to):
    body = (await outside.get(f"{sendgrid}/sandbox/messages", params={"to": to})).json()
    return body["messages"] if isinstance(body, dict) else body
