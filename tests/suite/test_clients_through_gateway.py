"""The clients service and the gateway as real processes on the real broker: what a frontend does,
and what the rest of the suite sees on `clients.events`."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from petcare_tools.testing.topics import envelope_of, read_topic_to_end

from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"


@pytest.fixture
async def suite(processes, kafka_bootstrap_servers, postgres_admin_url):
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    await suite.start("clients")
    return suite


async def sign_up(http: httpx.AsyncClient, name: str) -> dict:
    response = await http.post("/api/clients/signup", json={
        "company_name": name, "time_zone": "America/Chicago",
        "admin": {"first_name": "A", "last_name": "Admin", "email": f"admin@{name.lower().replace(' ', '')}.com",
                  "password": PASSWORD}})
    assert response.status_code == 201, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def company_events(bootstrap_servers: str, company_id: str, at_least: int, timeout: float = 120) -> list[dict]:
    """This company's envelopes on clients.events, in order (other tests' companies share the topic).
    Each look reads the whole topic to its end, however long earlier tests made it (a read cut off
    after a fixed time saw only part of it on a busy machine)."""
    deadline = time.monotonic() + timeout
    while True:
        mine = await _company_events(bootstrap_servers, company_id)
        if len(mine) >= at_least:
            await asyncio.sleep(1)  # anything extra would show up now
            return await _company_events(bootstrap_servers, company_id)
        assert time.monotonic() < deadline, f"{len(mine)} of {at_least} events for company {company_id}"
        await asyncio.sleep(0.5)


async def _company_events(bootstrap_servers: str, company_id: str) -> list[dict]:
    records = await read_topic_to_end(bootstrap_servers, "clients.events")
    return [dict(envelope, _key=r.key.decode()) for r in records
            if (envelope := envelope_of(r))["company_id"] == company_id]


async def test_each_change_through_the_gateway_emits_exactly_one_event(suite):
    gateway = await suite.start_gateway()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        company = await sign_up(http, "Event Paws")
        admin = bearer(company["tokens"]["access_token"])
        client = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Ed", "last_name": "Event", "emails": ["ed@example.com"]})).json()
        cid = client["id"]
        steps = [
            ("PATCH", f"/api/clients/clients/{cid}", {"last_name": "Events"}),
            ("POST", f"/api/clients/clients/{cid}/pets", {"name": "Dot", "species": "dog"}),
            ("POST", f"/api/clients/clients/{cid}/portal-instructions", None),
            ("POST", f"/api/clients/clients/{cid}/deactivate", {"delete_future_visits": False}),
            ("POST", f"/api/clients/clients/{cid}/reactivate", None),
            ("PATCH", "/api/clients/company", {"cancellations_auto_approve": True}),
            ("POST", "/api/clients/staff", {"first_name": "W", "last_name": "Walker", "email": "w@eventpaws.com"}),
        ]
        for method, path, body in steps:
            response = await http.request(method, path, headers=admin, json=body)
            assert response.status_code < 300, (path, response.text)

    events = await company_events(suite.bootstrap_servers, company["company"]["id"], at_least=11)
    # Exactly one event per change (across partitions there is no global order, so compare as a bag)...
    assert sorted(e["type"] for e in events) == sorted([
        "clients.company.registered", "clients.company.settings_changed", "clients.staff.added",
        "clients.client.added", "clients.client.details_updated", "clients.pet.added",
        "clients.portal.instructions_requested", "clients.client.deactivated", "clients.client.reactivated",
        "clients.company.settings_changed", "clients.staff.added",
    ])
    assert len({e["id"] for e in events}) == len(events)
    for event in events:
        assert event["version"] == 1 and event["occurred_at"] and event["correlation_id"]
        assert event["actor"]["kind"] == "admin"
    # ...and one client's story on one key, in the order it happened.
    client_events = [e for e in events if e["_key"] == cid]
    assert [e["type"] for e in client_events] == [
        "clients.client.added", "clients.client.details_updated", "clients.pet.added",
        "clients.portal.instructions_requested", "clients.client.deactivated", "clients.client.reactivated"]
    deactivated = client_events[4]["data"]
    assert deactivated["delete_future_visits"] is False and deactivated["delete_templates"] is True


async def test_r_inact_2_a_deactivated_clients_token_stops_on_every_gateway_replica(suite):
    gateway_a = await suite.start_gateway(process_name="gateway-a")
    gateway_b = await suite.start_gateway(process_name="gateway-b")
    async with httpx.AsyncClient(base_url=gateway_a, timeout=30) as a, \
            httpx.AsyncClient(base_url=gateway_b, timeout=30) as b:
        company = await sign_up(a, "Replica Paws")
        admin = bearer(company["tokens"]["access_token"])
        client = (await a.post("/api/clients/clients", headers=admin, json={
            "first_name": "Ina", "last_name": "Active", "emails": ["ina@example.com"],
            "send_activation_email": True})).json()
        events = await company_events(suite.bootstrap_servers, company["company"]["id"], at_least=5)
        link = next(e for e in events if e["type"] == "clients.portal.activation_email_requested")
        token = parse_qs(urlparse(link["data"]["activation_url"]).query)["token"][0]
        activated = await a.post("/api/clients/auth/activate", json={"token": token, "password": PASSWORD})
        assert activated.status_code == 204
        credentials = {"company": company["company"]["slug"], "email": "ina@example.com", "password": PASSWORD}
        session = (await a.post("/api/clients/auth/sign-in", json=credentials)).json()
        me = await b.get("/api/clients/me", headers=bearer(session["access_token"]))
        assert me.status_code == 200 and me.json()["id"] == client["id"]

        assert (await a.post(f"/api/clients/clients/{client['id']}/deactivate", headers=admin)).status_code == 200
        refused = await b.get("/api/clients/me", headers=bearer(session["access_token"]))
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "session_revoked"
        assert (await b.post("/api/clients/auth/sign-in", json=credentials)).status_code == 401

        assert (await b.post(f"/api/clients/clients/{client['id']}/reactivate", headers=admin)).status_code == 200
        again = await a.post("/api/clients/auth/sign-in", json=credentials)
        assert again.status_code == 200
        assert (await b.get("/api/clients/me", headers=bearer(again.json()["access_token"]))).status_code == 200


async def test_roles_and_tenancy_hold_at_the_gateway(suite):
    gateway = await suite.start_gateway()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        first, second = await sign_up(http, "First Paws"), await sign_up(http, "Second Paws")
        first_admin, second_admin = bearer(first["tokens"]["access_token"]), bearer(second["tokens"]["access_token"])
        client = (await http.post("/api/clients/clients", headers=first_admin, json={
            "first_name": "Tia", "last_name": "Tenant", "notes": "first company's private note"})).json()
        cross = await http.get(f"/api/clients/clients/{client['id']}", headers=second_admin)
        assert cross.status_code == 404 and "private" not in cross.text
        listed = await http.get("/api/clients/clients", headers=second_admin)
        assert listed.status_code == 200 and client["id"] not in listed.text

        forged = {"x-petcare-identity": "anything", "x-petcare-identity-signature": "anything"}
        assert (await http.get("/api/clients/clients", headers=forged)).status_code == 401
        assert (await http.get(f"/api/clients/internal/sessions/{client['id']}?version=1",
                               headers=first_admin)).status_code == 404

        docs = (await http.get("/openapi.json")).json()
        assert "/api/clients/clients/{client_id}" in docs["paths"]
        assert not [p for p in docs["paths"] if "/internal/" in p]
