"""Issue 9 item 4, in the clients service: each kind of input that used to answer 500 now answers
422 in the one error shape and changes nothing (no row, no event)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")

ZERO = "00000000-0000-0000-0000-000000000000"


async def people(service, company) -> dict:
    admin = service.as_(company.admin)
    client = (await admin.post("/clients", json={"first_name": "Ada", "last_name": "Null",
                                                 "address": {"line1": "1 Bark St", "city": "Toronto"}})).json()
    pet = (await admin.post(f"/clients/{client['id']}/pets", json={"name": "Rex", "species": "dog"})).json()
    staff = (await admin.post("/staff", json={"first_name": "Sam", "last_name": "Staff",
                                              "email": "sam.null@happypaws.com"})).json()
    return {"client": client["id"], "pet": pet["id"], "staff": staff["id"]}


async def assert_refused_and_nothing_changed(service, company, method, path, **kwargs):
    admin = service.as_(company.admin)
    since = await service.last_seq()
    before = [(await admin.get(p)).json() for p in ("/clients", "/staff", "/company")]
    response = await admin.request(method, path, **kwargs)
    assert response.status_code == 422, response.text
    assert set(response.json()) == {"error"} and response.json()["error"]["message"]
    assert await service.events(since=since) == []
    assert [(await admin.get(p)).json() for p in ("/clients", "/staff", "/company")] == before
    return response.json()["error"]


@pytest.mark.parametrize("body", [
    {"first_name": "a\u0000b", "last_name": "Nul"},
    {"first_name": "A", "last_name": "B", "notes": "x\u0000"},
    {"first_name": "A", "last_name": "B", "custom_fields": {"gate\u0000": "1"}},
    {"first_name": "A", "last_name": "B", "address": {"line1": "\u0000"}},
])
async def test_a_nul_in_any_stored_string_is_422_unstorable_text(service, company, body):
    error = await assert_refused_and_nothing_changed(service, company, "POST", "/clients", json=body)
    assert error["code"] == "unstorable_text"


async def test_a_lone_surrogate_is_422_unstorable_text(service, company):
    raw = json.dumps({"first_name": "\ud83d", "last_name": "B"})
    error = await assert_refused_and_nothing_changed(service, company, "POST", "/clients", content=raw,
                                                     headers={"content-type": "application/json"})
    assert error["code"] == "unstorable_text"


@pytest.mark.parametrize("params", [{"search": "a\x00b"}, {"offset": 2**64}, {"offset": 2**70}, {"limit": 10**30}])
async def test_a_nul_search_or_an_offset_beyond_64_bits_is_422(service, company, params):
    await assert_refused_and_nothing_changed(service, company, "GET", "/clients", params=params)


@pytest.mark.parametrize(("target", "body"), [
    ("client", {"first_name": None}), ("client", {"last_name": None}), ("client", {"custom_fields": None}),
    ("client", {"emails": None}), ("client", {"phones": None}),
    ("pet", {"name": None}), ("pet", {"species": None}),
    ("staff", {"first_name": None}), ("staff", {"role": None}), ("staff", {"phones": None}),
    ("company", {"name": None}), ("company", {"time_zone": None}), ("company", {"cancellations_auto_approve": None}),
])
async def test_null_for_a_field_that_cannot_be_empty_is_422(service, company, target, body):
    ids = await people(service, company)
    path = {"client": f"/clients/{ids['client']}", "pet": f"/clients/{ids['client']}/pets/{ids['pet']}",
            "staff": f"/staff/{ids['staff']}", "company": "/company"}[target]
    error = await assert_refused_and_nothing_changed(service, company, "PATCH", path, json=body)
    assert error["code"] == "validation_error" and error["details"][0]["field"] == f"body.{next(iter(body))}"


async def test_null_clears_a_field_that_can_be_empty(service, company):
    ids = await people(service, company)
    admin = service.as_(company.admin)
    cleared = await admin.patch(f"/clients/{ids['client']}", json={"address": None, "notes": None})
    assert cleared.status_code == 200 and cleared.json()["address"] is None
    pet = await admin.patch(f"/clients/{ids['client']}/pets/{ids['pet']}", json={"breed": None, "birthday": None})
    assert pet.status_code == 200 and pet.json()["breed"] is None
