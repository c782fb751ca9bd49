"""Portal accounts: activation and reset links, sign-in, sessions that end when a client goes inactive."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse
from uuid import UUID

import jwt
import pytest
from petcare_kit.identity import Identity, Role

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long portal password"


def token_of(url: str) -> str:
    return parse_qs(urlparse(url).query)["token"][0]


async def invited_client(service, company, email="pat@example.com") -> tuple[str, str]:
    """A client added with "send activation email"; returns (client id, activation token)."""
    since = await service.last_seq()
    response = await service.as_(company.admin).post("/clients", json={
        "first_name": "Pat", "last_name": "Owner", "emails": [email], "send_activation_email": True})
    assert response.status_code == 201, response.text
    [request] = [e for e in await service.events(since=since) if e["type"].endswith("activation_email_requested")]
    return response.json()["id"], token_of(request["data"]["activation_url"])


async def sign_in(service, company, email="pat@example.com", password=PASSWORD):
    return await service.as_(None).post("/auth/sign-in", json={"company": company.slug, "email": email,
                                                               "password": password})


async def session_ok(service, tokens: dict) -> int:
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    gateway = service.as_(Identity(Role.INTERNAL))
    return (await gateway.get(f"/internal/sessions/{claims['sub']}?version={claims['sv']}")).status_code


async def test_activation_link_sets_the_password_once(service, company):
    client_id, token = await invited_client(service, company)
    assert (await sign_in(service, company)).status_code == 401  # no password yet
    activated = await service.as_(None).post("/auth/activate", json={"token": token, "password": PASSWORD})
    assert activated.status_code == 204
    response = await sign_in(service, company)
    assert response.status_code == 200
    claims = jwt.decode(response.json()["access_token"], service.settings.token_signing_secret, algorithms=["HS256"])
    assert claims["sub"] == client_id and claims["cid"] == str(company.id) and claims["role"] == "client"
    reuse = await service.as_(None).post("/auth/activate", json={"token": token, "password": "another password!"})
    assert reuse.status_code == 400 and reuse.json()["error"]["code"] == "invalid_or_expired_token"
    assert (await sign_in(service, company)).status_code == 200  # the reuse changed nothing


async def test_wrong_and_expired_tokens_are_refused_and_change_nothing(service, company):
    _, token = await invited_client(service, company)
    wrong = await service.as_(None).post("/auth/activate", json={"token": "x" * 43, "password": PASSWORD})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_or_expired_token"
    await service.sql("UPDATE one_time_tokens SET expires_at = now() - interval '1 second'")
    expired = await service.as_(None).post("/auth/activate", json={"token": token, "password": PASSWORD})
    assert expired.status_code == 400
    assert (await sign_in(service, company)).status_code == 401


async def test_weak_passwords_are_refused_with_a_reason(service, company):
    _, token = await invited_client(service, company)
    response = await service.as_(None).post("/auth/activate", json={"token": token, "password": "short"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "weak_password"
    activated = await service.as_(None).post("/auth/activate", json={"token": token, "password": PASSWORD})
    assert activated.status_code == 204


async def test_r_email_6_client_asks_for_activation_and_reset_from_the_portal(service, company):
    client_id, _ = await invited_client(service, company)
    since = await service.last_seq()
    portal = service.as_(None)
    ask = {"company": company.slug, "email": "PAT@example.com"}
    assert (await portal.post("/auth/activation-email", json=ask)).status_code == 202
    [activation] = await service.events(since=since)
    assert activation["type"] == "clients.portal.activation_email_requested"
    assert activation["data"]["requested_by"] == "client" and activation["data"]["client_id"] == client_id
    await portal.post("/auth/activate", json={"token": token_of(activation["data"]["activation_url"]),
                                              "password": PASSWORD})
    since = await service.last_seq()
    assert (await portal.post("/auth/password-reset", json=ask)).status_code == 202
    [reset] = await service.events(since=since)
    assert reset["type"] == "clients.portal.password_reset_requested" and reset["data"]["person_kind"] == "client"


async def test_portal_requests_for_unknown_emails_look_the_same_and_send_nothing(service, company):
    since = await service.last_seq()
    for path in ("/auth/activation-email", "/auth/password-reset"):
        response = await service.as_(None).post(path, json={"company": company.slug, "email": "nobody@example.com"})
        assert response.status_code == 202
    assert await service.events(since=since) == []


async def test_password_reset_ends_open_sessions(service, company):
    _, token = await invited_client(service, company)
    await service.as_(None).post("/auth/activate", json={"token": token, "password": PASSWORD})
    old = (await sign_in(service, company)).json()
    since = await service.last_seq()
    await service.as_(None).post("/auth/password-reset", json={"company": company.slug, "email": "pat@example.com"})
    [reset] = await service.events(since=since)
    new_password = "a brand new password"
    response = await service.as_(None).post("/auth/password-reset/confirm",
                                            json={"token": token_of(reset["data"]["reset_url"]),
                                                  "password": new_password})
    assert response.status_code == 204
    assert await session_ok(service, old) == 401
    assert (await sign_in(service, company)).status_code == 401
    assert (await sign_in(service, company, password=new_password)).status_code == 200


async def test_r_inact_2_inactive_client_loses_sessions_and_sign_in_until_reactivated(service, company):
    client_id, token = await invited_client(service, company)
    await service.as_(None).post("/auth/activate", json={"token": token, "password": PASSWORD})
    tokens = (await sign_in(service, company)).json()
    assert await session_ok(service, tokens) == 200

    await service.as_(company.admin).post(f"/clients/{client_id}/deactivate")
    assert await session_ok(service, tokens) == 401
    refused = await sign_in(service, company)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "account_inactive"
    refresh = await service.as_(None).post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401 and refresh.json()["error"]["code"] == "session_revoked"

    await service.as_(company.admin).post(f"/clients/{client_id}/reactivate")
    again = await sign_in(service, company)
    assert again.status_code == 200 and await session_ok(service, again.json()) == 200
    assert await session_ok(service, tokens) == 401  # tokens from before stay revoked


async def test_refresh_tokens_work_once(service, company):
    tokens = (await service.as_(None).post("/auth/sign-in", json={
        "company": company.slug, "email": "owner@happypaws.com", "password": "correct horse battery"})).json()
    first = await service.as_(None).post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200 and first.json()["refresh_token"] != tokens["refresh_token"]
    second = await service.as_(None).post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert second.status_code == 401


async def test_repeated_wrong_passwords_are_throttled_per_account(service, company):
    for _ in range(10):
        attempt = await sign_in(service, company, email="owner@happypaws.com", password="wrong password")
        assert attempt.status_code == 401
    blocked = await sign_in(service, company, email="owner@happypaws.com", password="correct horse battery")
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "too_many_attempts"


async def test_the_session_check_is_for_the_gateway_only(service, company):
    as_admin = service.as_(company.admin)
    response = await as_admin.get(f"/internal/sessions/{company.admin.person_id}?version=1")
    assert response.status_code == 403
    assert (await service.as_(None).get(f"/internal/sessions/{UUID(int=1)}?version=1")).status_code == 401
