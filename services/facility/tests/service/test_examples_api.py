"""facility through its HTTP API and its consumer, on a real PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from petcare_contracts.events.clients import ClientAdded
from petcare_contracts.events.common import Contact
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.service import ServiceUnderTest

from ..conftest import admin_of


async def published(service: ServiceUnderTest, event_type: str) -> list[dict[str, Any]]:
    """The `data` of the events of that type in the outbox (what the relay publishes), oldest first."""
    return [e["data"] for e in await service.outbox("facility.events") if e["type"] == event_type]


async def test_r_example_1_a_manager_adds_examples_and_a_second_with_the_same_title_is_refused(
        service: ServiceUnderTest) -> None:
    admin = service.as_(admin_of())
    added = await admin.post("/examples", json={"title": "Daily walk"})
    assert added.status_code == 201, added.text

    again = await admin.post("/examples", json={"title": "daily walk"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "example_title_taken"
    page = (await admin.get("/examples")).json()
    assert [e["title"] for e in page["items"]] == ["Daily walk"]
    assert await published(service, "facility.example.added") == [{"example_id": added.json()["id"],
                                                                      "title": "Daily walk"}]


async def test_roles_and_companies_are_kept_apart(service: ServiceUnderTest) -> None:
    admin = admin_of()
    example = (await service.as_(admin).post("/examples", json={"title": "Daily walk"})).json()
    staff = service.as_(Identity(Role.STAFF, person_id=uuid4(), company_id=admin.company_id))

    refused = await staff.post("/examples", json={"title": "Another"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "role_not_allowed"
    assert (await staff.get(f"/examples/{example['id']}")).status_code == 200
    elsewhere = await service.as_(admin_of()).get(f"/examples/{example['id']}")
    assert elsewhere.status_code == 404 and elsewhere.json()["error"]["code"] == "example_not_found"


async def test_bad_input_is_a_422_in_the_one_error_shape(service: ServiceUnderTest) -> None:
    answer = await service.as_(admin_of()).post("/examples", json={"title": "", "colour": "red"})
    assert answer.status_code == 422
    assert set(answer.json()["error"]) == {"code", "message", "details"}


async def test_a_post_retried_with_its_idempotency_key_adds_once(service: ServiceUnderTest) -> None:
    admin, key = service.as_(admin_of()), {"Idempotency-Key": str(uuid4())}
    first = await admin.post("/examples", json={"title": "Daily walk"}, headers=key)
    retried = await admin.post("/examples", json={"title": "Daily walk"}, headers=key)

    assert retried.status_code == 201 and retried.json() == first.json()
    assert len(await published(service, "facility.example.added")) == 1


async def test_people_of_clients_events_land_in_the_directory(service: ServiceUnderTest) -> None:
    company_id, client_id = uuid4(), uuid4()
    contact = Contact(first_name="Ada", last_name="Lovelace", emails=["ada@example.com"], phones=[])
    await service.feed(ClientAdded(client_id=client_id, contact=contact), company_id)

    rows = await service.sql("SELECT first_name, active FROM directory_people WHERE person_id = :id", id=client_id)
    assert [(r.first_name, r.active) for r in rows] == [("Ada", True)]
