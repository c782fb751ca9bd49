"""Scheduling's cross-service flows (issue 10) through the gateway, the real broker and the provider
sandboxes, every service a real process: client requests and their one confirmation (R-SCHED-6,
R-REQ-2, R-REQ-6, R-EMAIL-2, R-DELIV-8), scheduler edits in silence (R-NEVER-2, R-SCHED-10),
deactivation (R-SCHED-11, R-INACT-3), start and complete with a message (R-SCHED-8, R-EMAIL-1).

The processes are started once for the module; each test signs its own company up."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import pytest_asyncio
from petcare_tools.testing.processes import ProcessManager

from suite.plans import SHORT_TRIAL, WAIT_SECONDS, choose_plan_for_texting, hold_port
from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"
ZONE = ZoneInfo("America/New_York")
EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
SETTLE_SECONDS = 3.0
"""How long an unwanted email or text is given to show up before we say none came."""


@dataclass
class World:
    suite: Suite
    gateway: str
    sendgrid: str
    twilio: str


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                kafka_bootstrap_servers: str, postgres_admin_url: str) -> AsyncIterator[World]:
    """Sandboxes, clients, notifications, texting, scheduling and the gateway, shared by the module."""
    processes = ProcessManager(log_dir=tmp_path_factory.mktemp("scheduling-flows"), cwd=request.config.rootpath)
    failed_before = request.session.testsfailed
    try:
        suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
        sendgrid, twilio = await suite.start_sandbox("sendgrid"), await suite.start_sandbox("twilio")
        held = hold_port()  # the gateway's, named to texting before the gateway starts
        gateway_port = held.getsockname()[1]
        gateway = f"http://127.0.0.1:{gateway_port}"
        try:
            await suite.start("clients")
            await suite.start("notifications", SENDGRID_HOST=sendgrid, SENDGRID_API_KEY="SG.suite")
            await suite.start("texting", TWILIO_API_BASE=twilio, TEXTING_WEBHOOK_BASE_URL=f"{gateway}/api/texting")
            await suite.start("scheduling")
            await suite.start("billing", **SHORT_TRIAL)  # plans (R-PLAN-1): texting needs one
        finally:
            held.close()
        await suite.start_gateway(port=gateway_port)
        yield World(suite, gateway, sendgrid, twilio)
    finally:
        if request.session.testsfailed > failed_before:
            print(f"\n{processes.log_tails()}")
        processes.stop_all()


# ---- helpers -----------------------------------------------------------------------------------

def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def eventually(check: Callable[[], Awaitable[Any]], what: str, timeout: float = WAIT_SECONDS) -> Any:
    """`check()`'s first truthy result, polled: a consumer's effect (another service's read model, a
    mail or text at a sandbox) comes whenever that consumer gets through its backlog."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.3)
    raise AssertionError(f"{what}: not reached in {timeout}s")


def days_ahead(n: int) -> str:
    return (datetime.now(ZONE).date() + timedelta(days=n)).isoformat()


async def mails_to(w: World, address: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(timeout=30) as http:
        body = (await http.get(f"{w.sendgrid}/sandbox/messages", params={"to": address})).json()
    return body["messages"] if isinstance(body, dict) else body


async def texts_to(w: World, number: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(timeout=30) as http:
        body = (await http.get(f"{w.twilio}/sandbox/messages", params={"to": number})).json()
    messages = body["messages"] if isinstance(body, dict) else body
    return [m for m in messages if m.get("direction") == "outbound-api"]


def long_date(day: str) -> str:
    """How emails write a date: `Wednesday, June 3, 2026`."""
    d = date.fromisoformat(day)
    return f"{d:%A}, {d:%B} {d.day}, {d.year}"


def subjects(mails: list[dict[str, Any]]) -> list[str]:
    return [m["subject"] for m in mails]


def text_of(mail: dict[str, Any]) -> str:
    """The plain-text part of a mail at the SendGrid sandbox."""
    return str(mail["text"])


async def until_known(call: Callable[[], Awaitable[httpx.Response]], *waiting_codes: str) -> httpx.Response:
    """Repeat `call` while scheduling answers with one of `waiting_codes` (its read models of
    clients.events have not caught up yet)."""
    codes = {"company_not_known_yet", "client_not_found", "pets_not_allowed", "staff_not_found", *waiting_codes}
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        answer = await call()
        if answer.json().get("error", {}).get("code") not in codes if answer.status_code >= 400 else True:
            return answer
        assert time.monotonic() < deadline, f"scheduling never caught up in {WAIT_SECONDS} s: {answer.text}"
        await asyncio.sleep(0.3)


@dataclass
class Company:
    http: httpx.AsyncClient
    body: dict[str, Any]
    admin: dict[str, str]
    block: dict[str, Any]
    walk: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.body["company"]["id"])

    @property
    def admin_id(self) -> str:
        return str(self.body["admin_id"])


async def sign_up(http: httpx.AsyncClient, name: str, **settings: Any) -> Company:
    """A company (New York time) with a client-selectable walk in an every-day Morning block."""
    email = f"admin@{name.lower().replace(' ', '')}.com"
    signed = await http.post("/api/clients/signup", json={"company_name": name, "time_zone": "America/New_York",
                                                          "admin": {"first_name": "Ann", "last_name": "Admin",
                                                                    "email": email, "password": PASSWORD}})
    assert signed.status_code == 201, signed.text
    body = signed.json()
    admin = bearer(body["tokens"]["access_token"])
    if settings:
        changed = await http.patch("/api/clients/company", headers=admin, json=settings)
        assert changed.status_code == 200, changed.text
    block = await until_known(lambda: http.post("/api/scheduling/schedule-blocks", headers=admin, json={
        "title": "Morning", "starts": "07:00", "ends": "11:00", "weekdays": EVERY_DAY}))
    assert block.status_code == 201, block.text
    walk = await http.post("/api/scheduling/services", headers=admin, json={
        "name": "Dog walk", "duration_minutes": 30, "price_cents": 2500, "client_selectable": True,
        "schedule_block_ids": [block.json()["id"]]})
    assert walk.status_code == 201, walk.text
    return Company(http, body, admin, block.json(), walk.json())


async def add_client(w: World, c: Company, first: str, *, portal: bool = False,
                     mobile: str | None = None) -> tuple[dict[str, Any], dict[str, Any], dict[str, str] | None]:
    """A client with a dog; with `portal`, activated from the R-EMAIL-7 email and signed in (their
    token's headers are returned too)."""
    email = f"{first.lower()}@example.com"
    client = await c.http.post("/api/clients/clients", headers=c.admin, json={
        "first_name": first, "last_name": "Owner", "emails": [email], "send_activation_email": portal,
        "phones": [{"label": "mobile", "number": mobile}] if mobile else []})
    assert client.status_code == 201, client.text
    pet = await c.http.post(f"/api/clients/clients/{client.json()['id']}/pets", headers=c.admin,
                            json={"name": f"{first}'s dog", "species": "dog"})
    assert pet.status_code == 201, pet.text
    if not portal:
        return client.json(), pet.json(), None
    [activation] = await eventually(lambda: mails_to(w, email), f"the activation email to {email}")
    token = re.search(r"token=([A-Za-z0-9_\-]+)", text_of(activation))
    assert token, activation
    activated = await c.http.post("/api/clients/auth/activate", json={"token": token.group(1), "password": PASSWORD})
    assert activated.status_code == 204, activated.text
    signed_in = await c.http.post("/api/clients/auth/sign-in", json={
        "company": c.body["company"]["slug"], "email": email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    return client.json(), pet.json(), bearer(signed_in.json()["access_token"])


async def book(c: Company, client: dict[str, Any], pet: dict[str, Any], day: str, at: str = "14:00",
               staff_id: str | None = None) -> dict[str, Any]:
    """A visit booked by the scheduler (the admin)."""
    answer = await until_known(lambda: c.http.post("/api/scheduling/visits", headers=c.admin, json={
        "client_id": client["id"], "pet_ids": [pet["id"]], "service_id": c.walk["id"], "visit_date": day,
        "start_time": at, "staff_id": staff_id, "override_conflicts": True}))
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def set_up_texting(w: World, c: Company) -> str:
    """Plan (at billing, the short trial over), texting on, a number, an approved A2P registration;
    waits until notifications knows the company can text. Returns the company's number."""
    http, admin = c.http, c.admin
    await choose_plan_for_texting(http, admin, "solo")
    assert (await http.post("/api/texting/turn-on", headers=admin)).status_code == 200
    [offer, *_] = (await http.get("/api/texting/numbers/available?area_code=416&country=CA", headers=admin)).json()
    bought = await http.post("/api/texting/number", headers=admin, json={"phone_number": offer["phone_number"]})
    assert bought.status_code < 300, bought.text
    registered = await http.post("/api/texting/registration", headers=admin, json={
        "brand_type": "SOLE_PROPRIETOR", "business_name": "Paws", "phone": "+12125550100",
        "email": "owner@paws.com", "ssn": "123-45-6789",
        "address": {"street": "1 Main St", "city": "Albany", "region": "NY", "postal_code": "12207"}})
    assert registered.status_code < 300, registered.text
    async with httpx.AsyncClient(timeout=30) as outside:
        brands = (await outside.get(f"{w.twilio}/messaging/v1/a2p/BrandRegistrations",
                                    auth=("AC00000000000000000000000000000000", "x"))).json()
        ours = brands["data"] if "data" in brands else brands["brand_registrations"]
        for brand in ours:  # the sandbox is shared by the module's companies: approve every brand
            await outside.post(f"{w.twilio}/sandbox/brands/{brand['sid']}/status", json={"status": "APPROVED"})
    assert (await http.get("/api/texting/registration", headers=admin)).json()["status"] == "APPROVED"
    await eventually(lambda: _texting_available(http, admin), "texting available in notifications")
    return str(bought.json()["number"])


async def _texting_available(http: httpx.AsyncClient, admin: dict[str, str]) -> bool:
    return bool((await http.get("/api/notifications/switches", headers=admin)).json()["texting_available"])


async def known_to_notifications(c: Company, person_id: str) -> bool:
    """Notifications has read the person's clients.events (their preferences are no longer `pending`)."""
    answer = await c.http.get(f"/api/notifications/preferences/{person_id}", headers=c.admin)
    return answer.status_code == 200 and answer.json()["pending"] is False


async def deliveries(c: Company, person_id: str) -> list[dict[str, Any]]:
    answer = await c.http.get(f"/api/notifications/deliveries?person_id={person_id}", headers=c.admin)
    assert answer.status_code == 200, answer.text
    return list(answer.json())


async def visits_of(c: Company, client_id: str) -> list[dict[str, Any]]:
    answer = await c.http.get(f"/api/scheduling/visits?client_id={client_id}&limit=200", headers=c.admin)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


# ---- the flows ---------------------------------------------------------------------------------

async def test_r_sched_6_r_req_6_r_email_2_two_visits_requested_admins_texted_one_confirmation(world: World) -> None:
    """A client asks for two visits from the portal; every admin and office manager is texted, not
    the other staff (R-DELIV-8 "Client Requests Services"); the business approves one and rejects
    the other; the client gets exactly one confirmation email naming both decisions."""
    admin_mobile, office_mobile, walker_mobile = "+14165550111", "+14165550112", "+14165550113"
    async with httpx.AsyncClient(base_url=world.gateway, timeout=30) as http:
        c = await sign_up(http, "Request Paws")
        # Each with their mobile in the event that adds them (clients.events, keyed by the person): once
        # notifications knows them it knows their numbers, which a later phone change of the signed-up
        # admin (another event, read whenever) would not promise by the time the request is read.
        people = []
        for role, first, last, number in (("admin", "Adam", "Admin", "(416) 555-0111"),
                                          ("office_manager", "Olive", "Office", "(416) 555-0112"),
                                          ("staff", "Will", "Walker", "(416) 555-0113")):
            added = await http.post("/api/clients/staff", headers=c.admin, json={
                "role": role, "first_name": first, "last_name": last, "email": f"{first.lower()}@requestpaws.com",
                "phones": [{"label": "mobile", "number": number}]})
            assert added.status_code == 201, added.text
            people.append(added.json()["id"])
        for person in people:
            prefs = await http.put(f"/api/notifications/preferences/{person}", headers=c.admin,
                                   json={"texting_enabled": True})
            assert prefs.status_code == 200, prefs.text
        for person in people:  # managers are texted as notifications knows them when it reads the request
            await eventually(lambda p=person: known_to_notifications(c, p), f"notifications knows {person}")
        await set_up_texting(world, c)
        client, pet, portal = await add_client(world, c, "Rita", portal=True)
        assert portal is not None

        first_day, second_day = days_ahead(3), days_ahead(4)
        asked = await until_known(lambda: http.post("/api/scheduling/portal/service-requests", headers=portal, json={
            "service_id": c.walk["id"], "schedule_block_id": c.block["id"], "pet_ids": [pet["id"]],
            "dates": [first_day, second_day], "comments": "Side gate"}))
        assert asked.status_code == 201, asked.text
        request = asked.json()

        [text] = await eventually(lambda: texts_to(world, admin_mobile), "the admin's text at Twilio")
        assert "Rita Owner requested services" in text["body"] and "Dog walk" in text["body"]
        [office_text] = await eventually(lambda: texts_to(world, office_mobile), "the office manager's text")
        assert office_text["body"] == text["body"]

        first, second = (v["id"] for v in request["visits"])
        path = f"/api/scheduling/service-requests/{request['id']}/visits"
        approved = await http.post(f"{path}/{first}/decision", headers=c.admin, json={"decision": "approved"})
        assert approved.status_code == 200, approved.text
        rejected = await http.post(f"{path}/{second}/decision", headers=c.admin,
                                   json={"decision": "rejected", "message": "Fully booked that day"})
        assert rejected.status_code == 200 and rejected.json()["status"] == "processed", rejected.text

        confirmations = await eventually(
            lambda: _without_activation(mails_to(world, "rita@example.com")), "the confirmation email")
        await asyncio.sleep(SETTLE_SECONDS)  # a second confirmation would arrive now
        [confirmation] = await _without_activation(mails_to(world, "rita@example.com"))
        assert "partly approved" in confirmation["subject"]
        body = text_of(confirmation)
        scheduled, refused = body.split("wasn't able to take on")
        assert long_date(first_day) in scheduled and long_date(second_day) not in scheduled
        assert long_date(second_day) in refused and "Fully booked that day" in body
        assert len(confirmations) == 1
        [booked] = await visits_of(c, client["id"])
        assert booked["visit_date"] == first_day and booked["schedule_block_id"] == c.block["id"]
        assert len(await texts_to(world, admin_mobile)) == 1 and len(await texts_to(world, office_mobile)) == 1
        assert await texts_to(world, walker_mobile) == [], "staff members are not texted about requests"


async def _without_activation(mails: Awaitable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [m for m in await mails if "activate" not in m["subject"].lower() and "portal" not in m["subject"].lower()]


async def test_r_req_2_an_auto_approved_cancellation_cancels_at_once_and_emails_once(world: World) -> None:
    async with httpx.AsyncClient(base_url=world.gateway, timeout=30) as http:
        c = await sign_up(http, "Cancel Paws", portal_request_mode="specific_visits", cancellations_auto_approve=True)
        client, pet, portal = await add_client(world, c, "Cass", portal=True)
        assert portal is not None
        day = days_ahead(5)  # once: the mail is checked for this date even if midnight passes meanwhile
        visit = await book(c, client, pet, day)

        cancelled = await until_known(lambda: http.post("/api/scheduling/portal/cancellation-requests", headers=portal,
                                                        json={"visit_ids": [visit["id"]], "reason": "Away"}),
                                      "requests_against_visits_off")
        assert cancelled.status_code == 201, cancelled.text
        assert cancelled.json()["decision"] == "approved" and cancelled.json()["auto_approved"] is True
        [after] = await visits_of(c, client["id"])
        assert after["status"] == "cancelled"

        await eventually(lambda: _without_activation(mails_to(world, "cass@example.com")), "the confirmation email")
        await asyncio.sleep(SETTLE_SECONDS)
        [mail] = await _without_activation(mails_to(world, "cass@example.com"))
        assert "cancellation request was approved" in mail["subject"]
        assert long_date(day) in text_of(mail)


async def test_r_never_2_r_sched_10_scheduler_edits_never_reach_the_client(world: World) -> None:
    """Book, move, reassign, cancel and delete: nothing for the client by email or text (though
    texting is set up and the client takes text and email); the visit completed with a message
    afterwards does reach them, so the silence before it was observed, not assumed."""
    client_mobile = "+14165550122"
    async with httpx.AsyncClient(base_url=world.gateway, timeout=30) as http:
        c = await sign_up(http, "Quiet Paws")
        await set_up_texting(world, c)
        client, pet, _ = await add_client(world, c, "Quincy", mobile="(416) 555-0122")
        prefs = await http.put(f"/api/notifications/preferences/{client['id']}", headers=c.admin,
                               json={"default_delivery": "text_and_email", "texting_enabled": True})
        assert prefs.status_code == 200, prefs.text
        staff = (await http.post("/api/clients/staff", headers=c.admin, json={
            "first_name": "Sam", "last_name": "Sitter", "email": "sam@quietpaws.com"})).json()

        kept = await book(c, client, pet, days_ahead(6))
        dropped = await book(c, client, pet, days_ahead(7))
        deleted = await book(c, client, pet, days_ahead(8))
        edits = [
            ("POST", f"/api/scheduling/visits/{kept['id']}/move", {"visit_date": days_ahead(9), "start_time": "10:00"}),
            ("POST", f"/api/scheduling/visits/{kept['id']}/reassign", {"staff_id": staff["id"]}),
            ("POST", f"/api/scheduling/visits/{dropped['id']}/cancel", None),
            ("DELETE", f"/api/scheduling/visits/{deleted['id']}", None),
        ]
        for method, path, body in edits:
            answer = await until_known(lambda m=method, p=path, b=body: http.request(m, p, headers=c.admin, json=b))
            assert answer.status_code < 300, (path, answer.text)

        done = await http.post(f"/api/scheduling/visits/{kept['id']}/complete", headers=c.admin,
                               json={"message_for_client": "All good at home"})
        assert done.status_code == 200, done.text
        await eventually(lambda: mails_to(world, "quincy@example.com"), "the completion email")
        await eventually(lambda: texts_to(world, client_mobile), "the completion text")
        await asyncio.sleep(SETTLE_SECONDS)
        assert subjects(await mails_to(world, "quincy@example.com")) == ["Visit update from Quiet Paws"]
        assert [t["body"] for t in await texts_to(world, client_mobile)] == ["All good at home"]
        assert [d["trigger"] for d in await deliveries(c, client["id"])] == ["visit_completed_message"]


async def test_r_sched_11_a_deactivated_clients_future_visits_and_templates_are_gone(world: World) -> None:
    """R-INACT-3's options on: future scheduled visits (booked and from a template) deleted, the
    template ended; a past visit and a completed one stay; the client hears nothing (R-NEVER-4)."""
    async with httpx.AsyncClient(base_url=world.gateway, timeout=30) as http:
        c = await sign_up(http, "Leaving Paws")
        client, pet, _ = await add_client(world, c, "Lee")
        past = await book(c, client, pet, days_ahead(-3))
        completed = await book(c, client, pet, days_ahead(2))
        done = await http.post(f"/api/scheduling/visits/{completed['id']}/complete", headers=c.admin, json={})
        assert done.status_code == 200, done.text
        future = await book(c, client, pet, days_ahead(10))
        template = await http.post("/api/scheduling/templates", headers=c.admin, json={
            "client_id": client["id"], "pet_ids": [pet["id"]], "service_id": c.walk["id"],
            "starts_on": days_ahead(1), "start_time": "16:00", "repeat": {"frequency": "daily"},
            "billing": {"frequency": "weekly"}})
        assert template.status_code == 201, template.text
        detail = (await http.get(f"/api/scheduling/templates/{template.json()['id']}", headers=c.admin)).json()
        approved = await http.post(f"/api/scheduling/templates/{template.json()['id']}/approvals", headers=c.admin,
                                   json={"period_start": detail["periods"][0]["start"]})
        assert approved.status_code == 201 and approved.json()["visits"], approved.text
        assert len(await visits_of(c, client["id"])) == 3 + len(approved.json()["visits"])

        gone = await http.post(f"/api/clients/clients/{client['id']}/deactivate", headers=c.admin,
                               json={"delete_future_visits": True, "delete_templates": True})
        assert gone.status_code == 200, gone.text

        async def only_past_and_completed() -> list[dict[str, Any]]:
            left = await visits_of(c, client["id"])
            return left if {v["id"] for v in left} == {past["id"], completed["id"]} else []

        left = await eventually(only_past_and_completed, "future visits deleted")
        assert {v["id"]: v["status"] for v in left}[completed["id"]] == "completed"
        assert future["id"] not in {v["id"] for v in left}
        running = await http.get(f"/api/scheduling/templates?client_id={client['id']}&running_only=true",
                                 headers=c.admin)
        assert running.status_code == 200 and running.json()["items"] == [], running.text
        assert await mails_to(world, "lee@example.com") == []


async def test_r_sched_8_r_email_1_a_completion_message_reaches_the_feed_and_the_email(world: World) -> None:
    """A staff member signs in, starts and completes their visit with a message and a photo: it is in
    the client's conversation feed and goes out by email (the client's default delivery)."""
    async with httpx.AsyncClient(base_url=world.gateway, timeout=30) as http:
        c = await sign_up(http, "Field Paws")
        client, pet, _ = await add_client(world, c, "Fern")
        staff = await http.post("/api/clients/staff", headers=c.admin, json={
            "first_name": "Wes", "last_name": "Walker", "email": "wes@fieldpaws.com", "password": PASSWORD})
        assert staff.status_code == 201, staff.text
        visit = await book(c, client, pet, days_ahead(1), staff_id=staff.json()["id"])
        signed_in = await http.post("/api/clients/auth/sign-in", json={
            "company": c.body["company"]["slug"], "email": "wes@fieldpaws.com", "password": PASSWORD})
        walker = bearer(signed_in.json()["access_token"])

        started = await http.post(f"/api/scheduling/visits/{visit['id']}/start", headers=walker)
        assert started.status_code == 200 and started.json()["status"] == "in_progress", started.text
        completed = await http.post(f"/api/scheduling/visits/{visit['id']}/complete", headers=walker, json={
            "message_for_client": "Fern's dog ate everything", "image_urls": ["https://photos.example.com/1.jpg"]})
        assert completed.status_code == 200 and completed.json()["status"] == "completed", completed.text

        async def in_feed() -> list[dict[str, Any]]:
            feed = await http.get(f"/api/notifications/conversations/{client['id']}/messages", headers=c.admin)
            return [m for m in feed.json()["messages"] if m["text"] == "Fern's dog ate everything"]

        [message] = await eventually(in_feed, "the completion message in the client's feed")
        assert message["image_urls"] == ["https://photos.example.com/1.jpg"]
        await eventually(lambda: mails_to(world, "fern@example.com"), "the completion email")
        await asyncio.sleep(SETTLE_SECONDS)
        [mail] = await mails_to(world, "fern@example.com")
        assert mail["subject"] == "Visit update from Field Paws"
        assert "Fern's dog ate everything" in text_of(mail) and "photos.example.com/1.jpg" in text_of(mail)
