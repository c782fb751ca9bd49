"""Late detection (R-SCHED-9) with two replicas of scheduling, one of them killed (-9) and started
again mid-way: each late visit is texted once to its staff member and once to the office manager
at the Twilio sandbox (R-DELIV-8), and a visit started in time is never reported.

Real processes on the real broker: clients, notifications, texting, two scheduling processes
(one database, one consumer group; the late job every half second in each), billing (the plan) and
the gateway. The
service's late-reminder delay is 1 minute, the smallest there is: the late visits are booked with
a start 10 to 18 minutes ago, so they are late at once; the visit started in time begins 10 s
before it is booked and is started at once, and the test waits until its late moment has passed.
The company is in a zone without daylight saving time: visits are booked as local wall-clock times,
and in a repeated autumn hour "01:50" would be the earlier instant, an hour late already.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from petcare_tools.testing.topics import published_envelopes

from suite.plans import SHORT_TRIAL, WAIT_SECONDS, hold_port
from suite.suite_harness import Suite
from suite.test_texting_flow import _sent, _switches_available, _texting_set_up, eventually

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"
ZONE = ZoneInfo("America/Regina")
"""No daylight saving time (see the module docstring); the late texts show times in it."""
WALKER_MOBILE, MANAGER_MOBILE = "+14165550131", "+14165550132"
LATE_BY_MINUTES = (10, 12, 14, 16, 18)
"""The late visits started this many minutes before they are booked (two batches around the kill)."""
ON_TIME_LEAD = timedelta(seconds=10)
"""The visit started in time: booked and started this long after its start (the delay is 1 minute).
It leaves 50 s for one booking and one start (the walker signed in before): with 45 s, 15 s left on a
loaded machine could run out, and the late job would rightly report a visit the test meant as on time."""
SCHEDULING_ENV = {"SCHEDULING_LATE_CHECK_INTERVAL_SECONDS": "0.5"}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def shown(moment: datetime) -> str:
    """A visit's time as the late texts show it (notifications' `alerts.when`)."""
    return f"{moment.astimezone(ZONE):%b %d %I:%M %p}".replace(" 0", " ")


@pytest.fixture
async def world(processes, kafka_bootstrap_servers, postgres_admin_url):
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    sendgrid, twilio = await suite.start_sandbox("sendgrid"), await suite.start_sandbox("twilio")
    held = hold_port()  # the gateway's, named to texting before the gateway starts
    gateway_url = f"http://127.0.0.1:{held.getsockname()[1]}"
    try:
        await suite.start("clients")
        await suite.start("notifications", SENDGRID_HOST=sendgrid, SENDGRID_API_KEY="SG.suite")
        await suite.start("texting", TWILIO_API_BASE=twilio, TEXTING_WEBHOOK_BASE_URL=f"{gateway_url}/api/texting")
        await suite.start("scheduling", **SCHEDULING_ENV)
        await suite.start("scheduling", process_name="scheduling-2", **SCHEDULING_ENV)  # the replica
        await suite.start("billing", **SHORT_TRIAL)  # plans (R-PLAN-1): texting needs one
    finally:
        held.close()
    await suite.start_gateway(port=int(gateway_url.rsplit(":", 1)[1]))
    return suite, gateway_url, twilio


async def book(http: httpx.AsyncClient, admin: dict[str, str], body: dict[str, Any], starts: datetime,
               zone: ZoneInfo = ZONE) -> dict[str, Any]:
    """A visit at the wall-clock time of `starts` (seconds included) in `zone` (the company's), retried
    until scheduling's read models know the company, client, pet and staff (clients.events)."""
    local = starts.astimezone(zone).replace(microsecond=0)
    body = {**body, "visit_date": local.date().isoformat(), "start_time": local.time().isoformat(),
            "override_conflicts": True}
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        answer = await http.post("/api/scheduling/visits", headers=admin, json=body)
        if answer.json().get("error", {}).get("code") not in ("company_not_known_yet", "client_not_found",
                                                               "pets_not_allowed", "staff_not_found"):
            assert answer.status_code == 201, answer.text
            return dict(answer.json())
        assert time.monotonic() < deadline, f"scheduling never learnt the company's people: {answer.text}"
        await asyncio.sleep(0.5)


async def test_r_sched_9_r_deliv_8_each_late_visit_is_texted_once_with_two_replicas_and_a_restart(world):
    suite, gateway, twilio = world
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http, httpx.AsyncClient(timeout=30) as outside:
        signup = (await http.post("/api/clients/signup", json={
            "company_name": "Late Paws", "time_zone": ZONE.key, "admin": {
                "first_name": "Lou", "last_name": "Admin", "email": "lou@latepaws.com", "password": PASSWORD}})).json()
        admin = bearer(signup["tokens"]["access_token"])
        manager = (await http.post("/api/clients/staff", headers=admin, json={
            "role": "office_manager", "first_name": "Meg", "last_name": "Manager", "email": "meg@latepaws.com",
            "phones": [{"label": "mobile", "number": MANAGER_MOBILE}]})).json()
        walker = (await http.post("/api/clients/staff", headers=admin, json={
            "first_name": "Wes", "last_name": "Walker", "email": "wes@latepaws.com", "password": PASSWORD,
            "phones": [{"label": "mobile", "number": WALKER_MOBILE}]})).json()
        client = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Ed", "last_name": "Owner", "emails": ["ed@example.com"]})).json()
        pet = (await http.post(f"/api/clients/clients/{client['id']}/pets", headers=admin,
                               json={"name": "Dot", "species": "dog"})).json()
        await _texting_set_up(http, outside, twilio, admin)
        for person in (walker, manager):
            await eventually(lambda p=person: _texting_enabled(http, admin, p["id"]), what="staff texting on")
        for person in (walker, manager):  # the managers texted are those notifications knows when a report comes
            await eventually(lambda p=person: _known_to_notifications(http, admin, p["id"]), timeout=WAIT_SECONDS,
                             what=f"notifications knows {person['first_name']} (and their mobile)")
        await eventually(lambda: _switches_available(http, admin), timeout=WAIT_SECONDS,
                         what="texting available in notifications")
        walk = await http.post("/api/scheduling/services", headers=admin, json={
            "name": "Dog walk", "duration_minutes": 30, "price_cents": 2500, "late_reminder_minutes": 1})
        assert walk.status_code == 201, walk.text
        booking = {"client_id": client["id"], "pet_ids": [pet["id"]], "service_id": walk.json()["id"],
                   "staff_id": walker["id"]}

        # First batch, then the replica is killed while both run the late job twice a second.
        now = datetime.now(ZONE)
        late = [await book(http, admin, booking, now - timedelta(minutes=m)) for m in LATE_BY_MINUTES[:3]]
        suite.kill("scheduling-2")
        await suite.restart("scheduling-2")
        late += [await book(http, admin, booking, now - timedelta(minutes=m)) for m in LATE_BY_MINUTES[3:]]

        # Started in time: 10 s after its start, within the 1 minute delay, by its staff member.
        signed_in = await http.post("/api/clients/auth/sign-in", json={
            "company": signup["company"]["slug"], "email": "wes@latepaws.com", "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        on_time = await book(http, admin, booking, datetime.now(ZONE) - ON_TIME_LEAD)
        started = await http.post(f"/api/scheduling/visits/{on_time['id']}/start",
                                  headers=bearer(signed_in.json()["access_token"]))
        assert started.status_code == 200, started.text
        late_moment = datetime.fromisoformat(on_time["starts_at"]) + timedelta(minutes=1)
        assert datetime.fromisoformat(started.json()["started_at"]) < late_moment, "started in time"

        async def all_texted() -> bool:
            counts = [len(await _sent(outside, twilio, n)) for n in (WALKER_MOBILE, MANAGER_MOBILE)]
            return min(counts) >= len(late)

        await eventually(all_texted, timeout=WAIT_SECONDS,
                         what="a late text per late visit to the walker and the manager")
        # Past the on-time visit's late moment, with time for every replica to run (and misreport) a few times.
        await asyncio.sleep(max(0.0, (late_moment - datetime.now(ZONE)).total_seconds()) + 5)

        expected = Counter(shown(datetime.fromisoformat(v["starts_at"])) for v in late)
        for number, opening in ((WALKER_MOBILE, "You are "), (MANAGER_MOBILE, "Wes Walker is ")):
            bodies = [m["body"] for m in await _sent(outside, twilio, number)]
            assert all(b.startswith(opening) for b in bodies), bodies
            assert Counter(b.rsplit("Dog walk ", 1)[1].rstrip(".") for b in bodies) == expected, bodies
        assert shown(datetime.fromisoformat(on_time["starts_at"])) not in expected

    mine = await published_envelopes(suite.bootstrap_servers, "scheduling.events",
                                     lambda e: e["company_id"] == signup["company"]["id"]
                                     and e["type"] == "scheduling.visit.staff_late", at_least=len(late))
    reported = Counter(e["data"]["visit_id"] for e in mine)
    assert reported == Counter(v["id"] for v in late)  # once each; never the visit started in time


async def _known_to_notifications(http: httpx.AsyncClient, admin: dict[str, str], person_id: str) -> bool:
    """Notifications has read the person's clients.events (their preferences are no longer `pending`):
    their mobile came in the same event. Each person's events are keyed by the person: the walker
    known says nothing of the manager."""
    answer = await http.get(f"/api/notifications/preferences/{person_id}", headers=admin)
    return answer.status_code == 200 and answer.json()["pending"] is False


async def _texting_enabled(http: httpx.AsyncClient, admin: dict[str, str], person_id: str) -> bool:
    """Staff alerts go by text only to people whose texting is enabled (R-DELIV-5)."""
    answer = await http.put(f"/api/notifications/preferences/{person_id}", headers=admin,
                            json={"texting_enabled": True})
    return answer.status_code == 200
