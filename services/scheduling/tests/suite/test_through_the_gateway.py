"""scheduling as a real process behind the gateway on the real broker, fed by the real clients
service: a company signs up, adds a client with a pet and a staff member (clients.events), and
books and edits visits through /api/scheduling/... (R-SCHED-3, R-SCHED-4, R-SCHED-10)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from petcare_tools.testing.suite import Suite
from petcare_tools.testing.topics import published_envelopes

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"
NOTE = "Alarm code 4321"
WAIT_SECONDS = 120.0
"""How long scheduling's consumer or relay may take on a loaded CI machine (two test workers, each
beside services of its own, behind the backlog of earlier tests on the session's broker)."""


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def until_read_models_know(http: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
                                 ) -> httpx.Response:
    """POST the visit until scheduling has consumed the company, client, pet and staff events."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        answer = await http.post("/api/scheduling/visits", headers=headers, json=body)
        if answer.json().get("error", {}).get("code") not in ("company_not_known_yet", "client_not_found",
                                                               "pets_not_allowed", "staff_not_found"):
            return answer
        assert time.monotonic() < deadline, f"scheduling never learnt the company's people: {answer.text}"
        await asyncio.sleep(0.5)


async def test_r_sched_3_a_scheduler_books_and_edits_visits_through_the_gateway(
        processes: Any, kafka_bootstrap_servers: str, postgres_admin_url: str) -> None:
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    await suite.start("clients")
    await suite.start("scheduling")
    gateway = await suite.start_gateway()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        company = (await http.post("/api/clients/signup", json={
            "company_name": "Gateway Paws", "time_zone": "America/Chicago",
            "admin": {"first_name": "A", "last_name": "Admin", "email": "admin@gatewaypaws.com",
                      "password": PASSWORD}})).json()
        admin = bearer(company["tokens"]["access_token"])
        client = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Ed", "last_name": "Owner", "emails": ["ed@example.com"]})).json()
        pet = (await http.post(f"/api/clients/clients/{client['id']}/pets", headers=admin,
                               json={"name": "Dot", "species": "dog"})).json()
        staff = (await http.post("/api/clients/staff", headers=admin, json={
            "first_name": "Wes", "last_name": "Walker", "email": "wes@gatewaypaws.com", "password": PASSWORD})).json()
        walk = await http.post("/api/scheduling/services", headers=admin, json={
            "name": "Dog walk", "duration_minutes": 30, "price_cents": 2500})
        assert walk.status_code == 201, walk.text

        booking = {"client_id": client["id"], "pet_ids": [pet["id"]], "service_id": walk.json()["id"],
                   "visit_date": "2026-06-01", "start_time": "09:00", "staff_id": staff["id"], "staff_note": NOTE}
        visit = await until_read_models_know(http, admin, booking)
        assert visit.status_code == 201, visit.text
        assert visit.json()["starts_at"] == "2026-06-01T14:00:00Z"  # 09:00 in Chicago (CDT)

        clash = await http.post("/api/scheduling/visits", headers=admin, json={**booking, "start_time": "09:15"})
        assert clash.status_code == 409 and clash.json()["error"]["details"]["conflicts"][0]["visit_id"] == \
            visit.json()["id"]
        moved = await http.post(f"/api/scheduling/visits/{visit.json()['id']}/move", headers=admin,
                                json={"visit_date": "2026-06-02", "start_time": "10:00"})
        assert moved.status_code == 200, moved.text
        client_view = await http.get(f"/api/scheduling/clients/{client['id']}/visits", headers=admin)
        assert client_view.status_code == 200 and NOTE not in client_view.text

        signed_in = await http.post("/api/clients/auth/sign-in", json={
            "company": company["company"]["slug"], "email": "wes@gatewaypaws.com", "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        walker = bearer(signed_in.json()["access_token"])
        own = (await http.get("/api/scheduling/visits", headers=walker)).json()["items"]
        assert [v["id"] for v in own] == [visit.json()["id"]]
        refused = await http.post(f"/api/scheduling/visits/{visit.json()['id']}/cancel", headers=walker)
        assert refused.status_code == 403

    mine = await published_envelopes(kafka_bootstrap_servers, "scheduling.events",
                                       lambda e: e["company_id"] == company["company"]["id"], at_least=2)
    assert [e["type"] for e in mine] == ["scheduling.visit.scheduled", "scheduling.visit.moved"]
