"""The gateway's session check (R-INACT-2): answered in front of the app stack with one read, and
still exact: a deactivated person or a revoked session is refused on the very next check."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse
from uuid import uuid4

import jwt
import pytest
from petcare_kit.identity import Identity, Role

pytestmark = pytest.mark.asyncio(loop_scope="session")
GATEWAY = Identity(Role.INTERNAL)
PASSWORD = "a long portal password"


def _check(tokens_or_token: dict | str) -> str:
    token = tokens_or_token if isinstance(tokens_or_token, str) else tokens_or_token["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    return f"/internal/sessions/{claims['sub']}?version={claims['sv']}"


async def _signed_in_client(service, company) -> dict:
    """A client invited, activated and signed in: their tokens and `id`."""
    since = await service.last_seq()
    added = await service.as_(company.admin).post("/clients", json={
        "first_name": "Pat", "last_name": "Owner", "emails": ["pat@example.com"], "send_activation_email": True})
    assert added.status_code == 201, added.text
    [request] = [e for e in await service.events(since=since) if e["type"].endswith("activation_email_requested")]
    token = parse_qs(urlparse(request["data"]["activation_url"]).query)["token"][0]
    await service.as_(None).post("/auth/activate", json={"token": token, "password": PASSWORD})
    signed_in = await service.as_(None).post("/auth/sign-in", json={
        "company": company.slug, "email": "pat@example.com", "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    return {"id": added.json()["id"], **signed_in.json()}


async def test_r_inact_2_a_deactivated_person_is_refused_on_the_very_next_check(service, company):
    gateway = service.as_(GATEWAY)
    client = await _signed_in_client(service, company)
    ok = await gateway.get(_check(client), headers={"x-request-id": "req-1"})
    assert ok.status_code == 200 and ok.json() == {"active": True}
    assert ok.headers["x-request-id"] == "req-1"

    deactivated = await service.as_(company.admin).post(f"/clients/{client['id']}/deactivate")
    assert deactivated.status_code == 200, deactivated.text
    refused = await gateway.get(_check(client))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "session_revoked"


async def test_r_inact_2_a_revoked_session_version_is_refused_at_once(service, company):
    gateway = service.as_(GATEWAY)
    assert (await gateway.get(_check(company.access_token))).status_code == 200
    await service.sql("UPDATE accounts SET session_version = session_version + 1 WHERE person_id = :p",
                      p=company.admin.person_id)
    refused = await gateway.get(_check(company.access_token))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "session_revoked"
    unknown = await gateway.get(f"/internal/sessions/{uuid4()}?version=1")
    assert unknown.status_code == 401 and unknown.json()["error"]["code"] == "session_revoked"


async def test_odd_session_checks_get_the_usual_answers(service, company):
    gateway = service.as_(GATEWAY)
    person = company.admin.person_id
    assert (await gateway.get("/internal/sessions/not-a-uuid?version=1")).status_code == 422
    assert (await gateway.get(f"/internal/sessions/{person}?version=-1")).status_code == 422
    assert (await gateway.get(f"/internal/sessions/{person}")).status_code == 422
    assert (await service.as_(None).get(f"/internal/sessions/{person}?version=1")).status_code == 401
    assert (await service.as_(company.admin).get(f"/internal/sessions/{person}?version=1")).status_code == 403


async def test_the_check_survives_its_database_connections_being_dropped(service, company):
    gateway = service.as_(GATEWAY)
    assert (await gateway.get(_check(company.access_token))).status_code in (200, 401)
    await service.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                      "AND query LIKE '%coalesce(s.active%'")
    again = await gateway.get(f"/internal/sessions/{uuid4()}?version=1")
    assert again.status_code == 401 and again.json()["error"]["code"] == "session_revoked"
