"""Spaces and the service list through the API: names are unique per company, an add-on is tied to
main services of the company, disabled spaces and services take no new bookings; and a POST retried
with its Idempotency-Key books once."""

from __future__ import annotations

from uuid import uuid4

from ..conftest import Service
from .helpers import days_ahead, make_facility, ok


async def test_names_are_unique_per_company_and_add_ons_name_main_services_of_the_company(service: Service) -> None:
    f = await make_facility(service)
    admin = f.world.admin
    taken = await service.call(admin, "POST", "/spaces", json={"name": "  suite   1 "})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "space_name_taken"
    taken = await service.call(admin, "POST", "/services", json={"name": "BATH", "kind": "add_on", "price_cents": 1,
                                                                "main_service_ids": [f.daycare_id]})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "service_name_taken"
    loose = await service.call(admin, "POST", "/services", json={"name": "Nails", "kind": "add_on", "price_cents": 1})
    assert loose.status_code == 422 and loose.json()["error"]["code"] == "invalid_service"
    foreign = await service.call(admin, "POST", "/services", json={"name": "Nails", "kind": "add_on",
                                                                  "price_cents": 1, "main_service_ids": [str(uuid4())]})
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "service_not_found"
    on_add_on = await service.call(admin, "POST", "/services", json={"name": "Nails", "kind": "add_on",
                                                                    "price_cents": 1, "main_service_ids": [f.bath_id]})
    assert on_add_on.status_code == 404
    elsewhere = await service.call((await make_facility(service)).world.admin, "GET", "/spaces")
    assert [s["name"] for s in elsewhere.json()["items"]] == ["Play yard", "Suite 1"]


async def test_disabled_spaces_and_services_take_no_new_bookings(service: Service) -> None:
    f = await make_facility(service)
    admin = f.world.admin
    body = {"client_id": str(f.world.client_id), "pet_ids": [str(f.world.pets[0])], "service_id": f.daycare_id,
            "space_id": f.space_id, "starts_on": days_ahead(9), "start_time": "09:00", "end_time": "10:00"}
    ok(await service.call(admin, "PATCH", f"/spaces/{f.space_id}", json={"active": False}))
    refused = await service.call(admin, "POST", "/events", json=body)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "space_disabled"
    ok(await service.call(admin, "PATCH", f"/spaces/{f.space_id}", json={"active": True}))
    ok(await service.call(admin, "PATCH", f"/services/{f.daycare_id}", json={"active": False}))
    refused = await service.call(admin, "POST", "/events", json=body)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "service_disabled"
    staff_view = ok(await service.call(f.world.staff, "GET", f"/events/{f.daycare_event['id']}"))
    assert staff_view["service_name"] == "Daycare", "events keep their disabled service"


async def test_a_booking_retried_with_its_idempotency_key_books_once(service: Service) -> None:
    f = await make_facility(service)
    body = {"client_id": str(f.world.client_id), "pet_ids": [str(f.world.pets[0])], "service_id": f.overnight_id,
            "space_id": f.space_id, "starts_on": days_ahead(30), "ends_on": days_ahead(31)}
    key = {"Idempotency-Key": str(uuid4())}
    first = await service.call(f.world.admin, "POST", "/events", json=body, headers=key)
    again = await service.call(f.world.admin, "POST", "/events", json=body, headers=key)
    assert first.status_code == 201 and again.json() == first.json()
    published = [e for e in await service.published() if e["facility_event_id"] == first.json()["event"]["id"]]
    assert len(published) == 1
