"""facility through its HTTP API and its consumer, on a real PostgreSQL: spaces, services, events
(R-FAC-2), add-ons (R-FAC-4), duplication (R-FAC-5), capacity warnings and the hard limit, check-in
and check-out, the client's own view (R-FAC-3), daylight saving."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from petcare_contracts.events.clients import ClientDeactivated, PetDetailsUpdated

from ..conftest import Service
from .helpers import NOTE, days_ahead, make_facility, ok


async def test_r_fac_2_a_daycare_day_and_an_overnight_stay_with_an_add_on_are_scheduled_and_published(
        service: Service) -> None:
    f = await make_facility(service)

    day, stay = f.daycare_event, f.stay_event
    assert (day["kind"], day["start_time"], day["end_time"], day["nights"], day["price_cents"]) == (
        "daycare", "08:00:00", "17:30:00", None, 3000)
    assert (stay["kind"], stay["nights"], stay["start_time"], stay["price_cents"]) == ("overnight", 3, None, 13500)
    assert stay["pet_names"] == ["Rex", "Tom"] and stay["space_name"] == "Suite 1"
    assert [(a["service_name"], a["on"], a["at"]) for a in stay["add_ons"]] == [("Bath", days_ahead(7), "10:00:00")]
    assert stay["note"].startswith(NOTE), "the business sees the note"
    published = await service.published()
    assert [(e["facility_event_id"], e["revision"]) for e in published] == [
        (day["id"], 1), (stay["id"], 1), (stay["id"], 2)]
    assert published[-1]["add_ons"][0]["price_cents"] == 1500 and published[-1]["nights"] == 3


async def test_r_fac_2_an_overnight_stay_across_daylight_saving_counts_its_local_nights(service: Service) -> None:
    """New York springs forward on 2027-03-14 and falls back on 2027-11-07: two nights each."""
    f = await make_facility(service)
    for starts_on, ends_on in (("2027-03-13", "2027-03-15"), ("2027-11-06", "2027-11-08")):
        answer = ok(await service.call(f.world.admin, "POST", "/events", json={
            "client_id": str(f.world.client_id), "pet_ids": [str(f.world.pets[0])], "service_id": f.overnight_id,
            "space_id": f.other_space_id, "starts_on": starts_on, "ends_on": ends_on}), 201)
        assert answer["event"]["nights"] == 2 and answer["event"]["price_cents"] == 9000
        assert (await service.published())[-1]["nights"] == 2


async def test_staff_check_pets_in_and_out_and_managers_cancel(service: Service) -> None:
    f = await make_facility(service)
    staff, stay = f.world.staff, f.stay_event["id"]

    refused = await service.call(staff, "POST", f"/events/{stay}/check-out")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "facility_event_status_conflict"
    assert ok(await service.call(staff, "POST", f"/events/{stay}/check-in"))["status"] == "checked_in"
    assert ok(await service.call(staff, "POST", f"/events/{stay}/check-out"))["status"] == "checked_out"
    assert (await service.call(staff, "POST", f"/events/{f.daycare_event['id']}/cancel")).status_code == 403
    cancelled = ok(await service.call(f.world.office_manager, "POST", f"/events/{f.daycare_event['id']}/cancel"))
    assert cancelled["status"] == "cancelled"
    assert [e["status"] for e in (await service.published())[-3:]] == ["checked_in", "checked_out", "cancelled"]


async def test_capacity_warns_in_the_answer_and_as_a_hard_limit_refuses(service: Service) -> None:
    f = await make_facility(service)
    body = {"client_id": str(f.world.client_id), "pet_ids": [str(p) for p in f.world.pets],
            "service_id": f.overnight_id, "space_id": f.space_id, "starts_on": days_ahead(6), "ends_on": days_ahead(7)}
    warned = ok(await service.call(f.world.admin, "POST", "/events", json={**body, "pet_ids": [str(f.world.pets[0])]}),
                201)
    assert warned["warnings"] == []
    second = ok(await service.call(f.world.admin, "POST", "/events", json=body), 201)
    assert {(w["code"], w["date"], w["pets"], w["limit"]) for w in second["warnings"]} == {
        ("over_capacity", days_ahead(6), 5, 4), ("over_pets_per_staff", days_ahead(6), 5, 4)}

    ok(await service.call(f.world.admin, "PUT", "/settings", json={"capacity_is_hard_limit": True}))
    before = len(await service.published())
    full = await service.call(f.world.admin, "POST", "/events", json=body)
    assert full.status_code == 409 and full.json()["error"]["code"] == "space_full"
    assert len(await service.published()) == before


async def test_r_fac_5_the_duplication_tool_copies_to_future_dates_and_refuses_the_others_one_by_one(
        service: Service) -> None:
    f = await make_facility(service)
    ok(await service.call(f.world.admin, "PATCH", f"/spaces/{f.space_id}", json={"capacity": 2}))
    ok(await service.call(f.world.admin, "PUT", "/settings", json={"capacity_is_hard_limit": True}))
    blocker = {"client_id": str(f.world.other_client_id), "pet_ids": [str(f.world.other_pet)],
               "service_id": f.overnight_id, "space_id": f.space_id, "starts_on": days_ahead(30),
               "ends_on": days_ahead(31)}
    ok(await service.call(f.world.admin, "POST", "/events", json=blocker), 201)
    dates = [days_ahead(20), days_ahead(-3), days_ahead(30), days_ahead(40), days_ahead(50)]

    done = ok(await service.call(f.world.admin, "POST", f"/events/{f.stay_event['id']}/duplicate",
                                 json={"dates": dates}), 201)

    created = [b["event"] for b in done["created"]]
    assert [(e["starts_on"], e["nights"]) for e in created] == [(days_ahead(20), 3), (days_ahead(40), 3),
                                                                (days_ahead(50), 3)]
    assert [(r["date"], r["code"]) for r in done["refused"]] == [(days_ahead(-3), "date_in_past"),
                                                                 (days_ahead(30), "space_full")]
    for copy in created:
        assert copy["id"] != f.stay_event["id"] and copy["duplicated_from"] == f.stay_event["id"]
        assert copy["note"] == f.stay_event["note"] and copy["pet_ids"] == f.stay_event["pet_ids"]
        assert copy["space_id"] == f.space_id and [a["service_name"] for a in copy["add_ons"]] == ["Bath"]
    listed = ok(await service.call(f.world.staff, "GET", "/events", params={"starts_from": days_ahead(19)}))
    assert {e["id"] for e in created} <= {e["id"] for e in listed["items"]}


async def test_r_fac_3_a_client_reads_their_own_events_without_the_note_and_nobody_else_s(service: Service) -> None:
    f = await make_facility(service)
    mine = await service.call(f.world.client, "GET", f"/clients/{f.world.client_id}/events")
    assert mine.status_code == 200 and NOTE not in mine.text and "note" not in mine.text
    assert {e["id"] for e in mine.json()["items"]} == {f.daycare_event["id"], f.stay_event["id"]}
    one = await service.call(f.world.client, "GET", f"/clients/{f.world.client_id}/events/{f.stay_event['id']}")
    assert one.status_code == 200 and NOTE not in one.text

    theirs = await service.call(f.world.client, "GET", f"/clients/{f.world.other_client_id}/events")
    assert theirs.status_code == 404 and theirs.json()["error"]["code"] == "client_not_found"
    for path in ("/events", f"/events/{f.stay_event['id']}", "/spaces", "/services"):
        answer = await service.call(f.world.client, "GET", path)
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "role_not_allowed", path


async def test_moving_an_event_changes_its_nights_and_an_add_on_must_belong_to_its_service(service: Service) -> None:
    f = await make_facility(service)
    moved = ok(await service.call(f.world.admin, "PATCH", f"/events/{f.stay_event['id']}", json={
        "starts_on": days_ahead(6), "ends_on": days_ahead(7), "note": "new note"}))
    assert (moved["event"]["nights"], moved["event"]["price_cents"], moved["event"]["note"]) == (1, 4500, "new note")
    bad = await service.call(f.world.admin, "POST", f"/events/{f.stay_event['id']}/add-ons",
                             json={"service_id": f.daycare_id})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "service_not_allowed"


async def test_pet_events_of_clients_events_keep_the_pets_read_model(service: Service) -> None:
    f = await make_facility(service)
    await service.feed(PetDetailsUpdated(pet_id=f.world.pets[0], client_id=f.world.client_id, name="Rexy",
                                         species="dog", changed_fields=["name"]), f.world.company_id)
    event = ok(await service.call(f.world.staff, "GET", f"/events/{f.stay_event['id']}"))
    assert event["pet_names"] == ["Rexy", "Tom"]
    unknown = await service.call(f.world.staff, "GET", f"/events/{uuid4()}")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "facility_event_not_found"


async def test_two_bookings_at_once_cannot_both_take_the_last_place_under_a_hard_limit(service: Service) -> None:
    f = await make_facility(service)
    ok(await service.call(f.world.admin, "PATCH", f"/spaces/{f.other_space_id}", json={"capacity": 1}))
    ok(await service.call(f.world.admin, "PUT", "/settings", json={"capacity_is_hard_limit": True}))
    bodies = [{"client_id": str(client), "pet_ids": [str(pet)], "service_id": f.overnight_id,
               "space_id": f.other_space_id, "starts_on": days_ahead(40), "ends_on": days_ahead(41)}
              for client, pet in ((f.world.client_id, f.world.pets[0]), (f.world.other_client_id, f.world.other_pet))]

    answers = await asyncio.gather(*(service.call(f.world.admin, "POST", "/events", json=b) for b in bodies))

    assert sorted(a.status_code for a in answers) == [201, 409]


async def test_r_inact_3_deactivating_a_client_with_delete_future_on_cancels_their_future_events(
        service: Service) -> None:
    f = await make_facility(service)
    ok(await service.call(f.world.staff, "POST", f"/events/{f.daycare_event['id']}/check-in"))
    await service.feed(ClientDeactivated(client_id=f.world.client_id, delete_future_visits=True,
                                         delete_templates=True), f.world.company_id)

    day = ok(await service.call(f.world.staff, "GET", f"/events/{f.daycare_event['id']}"))
    stay = ok(await service.call(f.world.staff, "GET", f"/events/{f.stay_event['id']}"))
    assert (day["status"], stay["status"]) == ("checked_in", "cancelled")
    last = (await service.published())[-1]
    assert (last["facility_event_id"], last["status"]) == (f.stay_event["id"], "cancelled")
