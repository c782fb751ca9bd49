"""facility as a real process behind the gateway on the real broker, fed by the real clients service
(what `make run` and the suite harness start: services are found by their entry point): a company
signs up, adds a client with two pets and a staff member (clients.events), and through
/api/facility/... sets up a space and services, schedules a daycare day and an overnight stay with
an add-on (R-FAC-2, R-FAC-4), checks pets in and out, and duplicates the stay to three future dates
(R-FAC-5); the note never reaches the client view nor facility.events (R-FAC-3)."""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from petcare_tools.testing.suite import Suite
from petcare_tools.testing.topics import published_envelopes

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"
NOTE = "Gate code 2468, facility suite"
CHICAGO = ZoneInfo("America/Chicago")
WAIT_SECONDS = 120.0
"""How long facility's consumer or relay may take on a loaded CI machine (two test workers, each
beside services of its own, behind the backlog of earlier tests on the session's broker)."""


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def days_ahead(n: int, today: date) -> str:
    return (today + timedelta(days=n)).isoformat()


async def until_read_models_know(http: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
                                 ) -> httpx.Response:
    """POST the event until facility has consumed the company and the client and EVERY pet it names:
    each pet's events are keyed by the pet (another partition), so one pet known says nothing of another."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        answer = await http.post("/api/facility/events", headers=headers, json=body)
        if answer.json().get("error", {}).get("code") not in ("client_not_found", "pets_not_allowed",
                                                               "company_not_known_yet"):
            return answer
        assert time.monotonic() < deadline, f"facility never learnt the company's people: {answer.text}"
        await asyncio.sleep(0.5)


async def test_r_fac_2_events_are_scheduled_checked_in_and_duplicated_through_the_gateway(
        processes: Any, kafka_bootstrap_servers: str, postgres_admin_url: str) -> None:
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    await suite.start("clients")
    await suite.start("facility")
    gateway = await suite.start_gateway()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        company = (await http.post("/api/clients/signup", json={
            "company_name": "Facility Paws", "time_zone": "America/Chicago",
            "admin": {"first_name": "A", "last_name": "Admin", "email": "admin@facilitypaws.com",
                      "password": PASSWORD}})).json()
        admin = bearer(company["tokens"]["access_token"])
        client = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Ed", "last_name": "Owner", "emails": ["ed@example.com"]})).json()
        pets = [(await http.post(f"/api/clients/clients/{client['id']}/pets", headers=admin,
                                 json={"name": name, "species": "dog"})).json() for name in ("Dot", "Rex")]
        await http.post("/api/clients/staff", headers=admin, json={
            "first_name": "Kim", "last_name": "Keeper", "email": "kim@facilitypaws.com", "password": PASSWORD})
        space = await http.post("/api/facility/spaces", headers=admin, json={"name": "Suite A", "capacity": 10})
        assert space.status_code == 201, space.text
        daycare = (await http.post("/api/facility/services", headers=admin, json={
            "name": "Daycare", "kind": "daycare", "price_cents": 3000, "taxable": True})).json()
        boarding = (await http.post("/api/facility/services", headers=admin, json={
            "name": "Boarding", "kind": "overnight", "price_cents": 4500, "taxable": True})).json()
        bath = (await http.post("/api/facility/services", headers=admin, json={
            "name": "Bath", "kind": "add_on", "price_cents": 1500, "main_service_ids": [boarding["id"]]})).json()

        today = datetime.now(CHICAGO).date()  # once: the dates asserted are those sent, even across midnight
        day = await until_read_models_know(http, admin, {
            "client_id": client["id"], "pet_ids": [pets[0]["id"]], "service_id": daycare["id"],
            "space_id": space.json()["id"], "starts_on": days_ahead(1, today), "start_time": "08:00",
            "end_time": "17:00", "note": NOTE})
        assert day.status_code == 201, day.text
        stay = await until_read_models_know(http, admin, {  # Rex too: Dot known says nothing of him
            "client_id": client["id"], "pet_ids": [p["id"] for p in pets], "service_id": boarding["id"],
            "space_id": space.json()["id"], "starts_on": days_ahead(3, today), "ends_on": days_ahead(5, today),
            "note": NOTE})
        assert stay.status_code == 201 and stay.json()["event"]["nights"] == 2, stay.text
        stay_id = stay.json()["event"]["id"]
        with_bath = await http.post(f"/api/facility/events/{stay_id}/add-ons", headers=admin,
                                    json={"service_id": bath["id"]})
        assert with_bath.status_code == 201 and with_bath.json()["add_ons"][0]["service_name"] == "Bath"

        signed_in = await http.post("/api/clients/auth/sign-in", json={
            "company": company["company"]["slug"], "email": "kim@facilitypaws.com", "password": PASSWORD})
        keeper = bearer(signed_in.json()["access_token"])
        checked_in = await http.post(f"/api/facility/events/{day.json()['event']['id']}/check-in", headers=keeper)
        assert checked_in.status_code == 200 and checked_in.json()["status"] == "checked_in", checked_in.text
        assert (await http.post(f"/api/facility/events/{stay_id}/cancel", headers=keeper)).status_code == 403

        dates = [days_ahead(n, today) for n in (10, 17, 24)]
        copies = await http.post(f"/api/facility/events/{stay_id}/duplicate", headers=admin, json={"dates": dates})
        assert copies.status_code == 201, copies.text
        assert [c["event"]["starts_on"] for c in copies.json()["created"]] == dates
        client_view = await http.get(f"/api/facility/clients/{client['id']}/events", headers=admin)
        assert client_view.status_code == 200 and len(client_view.json()["items"]) == 5
        assert NOTE not in client_view.text

    mine = await published_envelopes(kafka_bootstrap_servers, "facility.events",
                                       lambda e: e["company_id"] == company["company"]["id"], at_least=7)
    assert len(mine) == 7 and {e["type"] for e in mine} == {"facility.event.changed"}
    assert all(NOTE not in str(e) for e in mine)
