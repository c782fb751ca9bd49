"""Tenancy, roles and bad input, swept over every route the service declares."""

from __future__ import annotations

from uuid import UUID

import pytest
from petcare_kit.identity import Identity, Role

pytestmark = pytest.mark.asyncio(loop_scope="session")

PLAUSIBLE_BODIES = {
    "/clients/{client_id}": {"first_name": "Hacked"},
    "/clients/{client_id}/pets": {"name": "Hacked", "species": "cat"},
    "/clients/{client_id}/pets/{pet_id}": {"name": "Hacked"},
    "/staff/{staff_id}": {"first_name": "Hacked"},
}


async def operations(service) -> list[tuple[str, str, list[str]]]:
    spec = (await service.http.get("/openapi.json")).json()
    return [(method.upper(), path, op.get("x-roles", [])) for path, ops in spec["paths"].items()
            for method, op in ops.items()]


async def populated_company(service, new_company, name: str, email: str) -> dict:
    company = await new_company(name, email)
    admin = service.as_(company.admin)
    client = (await admin.post("/clients", json={"first_name": "C", "last_name": name, "emails": [f"c@{name}.com"],
                                                 "notes": "private"})).json()
    pet = (await admin.post(f"/clients/{client['id']}/pets", json={"name": "P", "species": "dog"})).json()
    staff = (await admin.post("/staff", json={"first_name": "S", "last_name": name, "email": f"s@{name}.com"})).json()
    return {"company": company, "client_id": client["id"], "pet_id": pet["id"], "staff_id": staff["id"]}


def fill(path: str, ids: dict) -> str:
    for name in ("client_id", "pet_id", "staff_id"):
        path = path.replace("{" + name + "}", ids[name])
    return path


async def test_tenant_sweep_a_second_company_finds_nothing_of_the_first(service, new_company):
    first = await populated_company(service, new_company, "alpha", "a@alpha.com")
    second = await populated_company(service, new_company, "beta", "b@beta.com")
    intruder = service.as_(second["company"].admin)
    before = (await service.as_(first["company"].admin).get(f"/clients/{first['client_id']}")).json()
    since = await service.last_seq()
    swept = 0
    for method, path, roles in await operations(service):
        if not roles or roles in (["public"], ["internal"]):
            continue
        response = await intruder.request(method, fill(path, first), json=PLAUSIBLE_BODIES.get(path))
        if "{" in path:
            swept += 1
            assert response.status_code == 404, (method, path, response.text)
            assert response.json()["error"]["code"].endswith("not_found")
        else:
            assert first["client_id"] not in response.text and first["staff_id"] not in response.text, (method, path)
    assert swept >= 12
    assert await service.events(since=since) == [e for e in await service.events(since=since)
                                                 if e["company_id"] == str(second["company"].id)]
    after = (await service.as_(first["company"].admin).get(f"/clients/{first['client_id']}")).json()
    assert after == before


async def test_a_client_is_refused_every_staff_route(service, new_company):
    data = await populated_company(service, new_company, "gamma", "g@gamma.com")
    client = service.as_(Identity(Role.CLIENT, person_id=UUID(data["client_id"]), company_id=data["company"].id))
    checked = 0
    for method, path, roles in await operations(service):
        if not roles or "client" in roles or roles in (["public"], ["internal"]):
            continue
        response = await client.request(method, fill(path, data), json=PLAUSIBLE_BODIES.get(path))
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "role_not_allowed"
        checked += 1
    assert checked >= 12


async def test_a_client_sees_only_their_own_profile_without_the_business_notes(service, new_company):
    data = await populated_company(service, new_company, "delta", "d@delta.com")
    admin = service.as_(data["company"].admin)
    other = (await admin.post("/clients", json={"first_name": "O", "last_name": "Other"})).json()
    me = service.as_(Identity(Role.CLIENT, person_id=UUID(data["client_id"]), company_id=data["company"].id))
    own = await me.get(f"/clients/{data['client_id']}")
    assert own.status_code == 200 and own.json()["notes"] is None
    assert (await admin.get(f"/clients/{data['client_id']}")).json()["notes"] == "private"
    assert (await me.get(f"/clients/{other['id']}")).status_code == 404
    assert (await me.get(f"/clients/{other['id']}/pets")).status_code == 404
    assert (await me.patch(f"/clients/{data['client_id']}", json={"notes": "mine now"})).status_code == 403
    pets = await me.get(f"/clients/{data['client_id']}/pets")
    assert [p["id"] for p in pets.json()] == [data["pet_id"]]


async def test_requests_without_a_valid_gateway_identity_are_refused(service, company):
    forged = {"x-petcare-identity": "eyJyb2xlIjoiYWRtaW4ifQ.9999999999", "x-petcare-identity-signature": "00"}
    for headers in ({}, forged):
        response = await service.http.get("/clients", headers=headers)
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("POST", "/clients", {"last_name": "NoFirst"}, 422, "validation_error"),
        ("POST", "/clients", {"first_name": 7, "last_name": "X"}, 422, "validation_error"),
        ("POST", "/clients", {"first_name": "A", "last_name": "B", "emails": ["not-an-email"]},
         422, "validation_error"),
        ("POST", "/clients", {"first_name": "A", "last_name": "B", "favourite_colour": "red"}, 422, "validation_error"),
        ("POST", "/clients", {"first_name": "A", "last_name": "B", "phones": "555"}, 422, "validation_error"),
        ("POST", "/clients", "x" * 2_000_000, 413, "payload_too_large"),
        ("GET", "/clients/not-a-uuid", None, 422, "validation_error"),
        ("GET", "/clients/00000000-0000-0000-0000-000000000001", None, 404, "client_not_found"),
        ("PATCH", "/clients/00000000-0000-0000-0000-000000000001", {"first_name": "X"}, 404, "client_not_found"),
        ("POST", "/clients/00000000-0000-0000-0000-000000000001/pets", {"name": "P"}, 422, "validation_error"),
        ("PATCH", "/company", {"portal_request_mode": "carrier pigeon"}, 422, "validation_error"),
    ],
)
async def test_bad_input_gets_one_error_shape_and_changes_nothing(service, company, method, path, body, status, code):
    admin = service.as_(company.admin)
    since = await service.last_seq()
    clients_before = (await admin.get("/clients")).json()
    kwargs = {"content": body} if isinstance(body, str) else {"json": body}
    response = await admin.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert set(response.json()) == {"error"} and set(error) == {"code", "message", "details"}
    assert await service.events(since=since) == []
    assert (await admin.get("/clients")).json() == clients_before
