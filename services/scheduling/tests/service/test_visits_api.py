"""Visits through the HTTP API and the consumer, on a real PostgreSQL: R-SCHED-3, R-SCHED-4,
R-SCHED-10 / R-NEVER-2, the DST choice, roles, tenant isolation and bad input."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from petcare_contracts.events.clients import ClientReactivated, PetDetailsUpdated
from petcare_kit.identity import Identity, Role

from ..conftest import Service, World, admin_of, make_world

NOTE = "Alarm code 4321, key under the mat"


async def catalogue(service: Service, world: World) -> tuple[dict[str, Any], dict[str, Any]]:
    block = (await service.call(world.admin, "POST", "/schedule-blocks",
                                json={"title": "Morning", "starts": "07:00", "ends": "11:00",
                                      "weekdays": [1, 2, 3, 4, 5]})).json()
    walk = (await service.call(world.admin, "POST", "/services",
                               json={"name": "Dog walk", "duration_minutes": 30, "price_cents": 2500,
                                     "schedule_block_ids": [block["id"]]})).json()
    return walk, block


def booking(world: World, walk: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"client_id": str(world.client_id), "pet_ids": [str(world.pets[0])], "service_id": walk["id"],
            "visit_date": "2026-06-01", "start_time": "09:00", "staff_id": str(world.staff_id), **changes}


async def test_r_sched_3_a_visit_is_booked_for_the_clients_own_pets_with_time_or_block(service: Service) -> None:
    world = await make_world(service)
    walk, block = await catalogue(service, world)

    timed = await service.call(world.admin, "POST", "/visits",
                               json=booking(world, walk, pet_ids=[str(p) for p in world.pets], staff_note=NOTE))
    assert timed.status_code == 201, timed.text
    assert {k: timed.json()[k] for k in ("visit_date", "start_time", "duration_minutes", "status", "staff_note",
                                          "starts_at")} == {
        "visit_date": "2026-06-01", "start_time": "09:00:00", "duration_minutes": 30, "status": "scheduled",
        "staff_note": NOTE, "starts_at": "2026-06-01T13:00:00Z"}
    in_block = await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, start_time=None, schedule_block_id=block["id"], staff_id=None, duration_minutes=45))
    assert in_block.status_code == 201, in_block.text
    assert (in_block.json()["schedule_block_id"], in_block.json()["start_time"]) == (block["id"], None)
    [scheduled, _] = await service.published("scheduling.visit.scheduled")
    assert scheduled["visit"]["pet_names"] == ["Rex", "Tom"] and scheduled["visit"]["staff_name"] == "Sam Tester"


async def test_r_sched_3_the_staff_note_is_never_in_a_client_facing_answer(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    visit = (await service.call(world.admin, "POST", "/visits", json=booking(world, walk, staff_note=NOTE))).json()

    for who in (world.client, world.admin):
        for path in (f"/clients/{world.client_id}/visits", f"/clients/{world.client_id}/visits/{visit['id']}"):
            answer = await service.call(who, "GET", path)
            assert answer.status_code == 200, answer.text
            assert "staff_note" not in answer.text and "Alarm code" not in answer.text
    assert (await service.call(world.client, "GET", f"/visits/{visit['id']}")).status_code == 403
    other_client = Identity(Role.CLIENT, person_id=world.other_client_id, company_id=world.company_id)
    assert (await service.call(other_client, "GET", f"/clients/{world.client_id}/visits")).status_code == 404
    assert (await service.call(other_client, "GET",
                               f"/clients/{world.other_client_id}/visits/{visit['id']}")).status_code == 404
    assert "Alarm code" not in str(await service.published("scheduling.visit.scheduled"))


async def test_r_sched_3_pets_of_another_client_and_inactive_clients_are_refused_changing_nothing(
        service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)

    foreign = await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, pet_ids=[str(world.pets[0]), str(world.other_pet)]))
    assert foreign.status_code == 422 and foreign.json()["error"]["code"] == "pets_not_allowed"
    assert foreign.json()["error"]["details"] == {"pet_ids": [str(world.other_pet)]}
    inactive = await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, client_id=str(world.inactive_client_id), pet_ids=[str(world.inactive_pet)]))
    assert inactive.status_code == 409 and inactive.json()["error"]["code"] == "client_inactive"
    assert (await service.sql("SELECT count(*) AS n FROM visits"))[0].n == 0
    assert await service.published("scheduling.visit.scheduled") == []

    await service.feed(ClientReactivated(client_id=world.inactive_client_id), world.company_id)
    again = await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, client_id=str(world.inactive_client_id), pet_ids=[str(world.inactive_pet)]))
    assert again.status_code == 201, again.text


async def test_r_sched_4_a_staff_conflict_is_a_409_naming_the_visits_unless_overridden(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    first = (await service.call(world.admin, "POST", "/visits", json=booking(world, walk))).json()

    clash = await service.call(world.admin, "POST", "/visits", json=booking(world, walk, start_time="09:15"))
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "staff_conflict"
    assert [c["visit_id"] for c in clash.json()["error"]["details"]["conflicts"]] == [first["id"]]
    assert (await service.sql("SELECT count(*) AS n FROM visits"))[0].n == 1

    forced = await service.call(world.admin, "POST", "/visits",
                                json=booking(world, walk, start_time="09:15", override_conflicts=True))
    assert forced.status_code == 201
    back_to_back = await service.call(world.admin, "POST", "/visits", json=booking(world, walk, start_time="09:30"))
    assert back_to_back.status_code == 409  # the overridden 09:15-09:45 is there now
    later = await service.call(world.admin, "POST", "/visits", json=booking(world, walk, start_time="09:45"))
    assert later.status_code == 201


async def test_dst_a_0230_visit_on_spring_forward_day_is_at_0330_and_0130_on_fall_back_the_first(
        service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)

    spring = (await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, visit_date="2026-03-08", start_time="02:30"))).json()
    assert (spring["start_time"], spring["starts_at"]) == ("03:30:00", "2026-03-08T07:30:00Z")
    fall = (await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, visit_date="2026-11-01", start_time="01:30"))).json()
    assert (fall["start_time"], fall["starts_at"], fall["ends_at"]) == (
        "01:30:00", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z")


async def test_r_sched_10_scheduler_edits_publish_only_events_that_never_notify_the_client(service: Service) -> None:
    """R-NEVER-2: create, move, reassign, change, cancel and delete publish the scheduler-edit events only."""
    world = await make_world(service)
    walk, block = await catalogue(service, world)
    visit = (await service.call(world.admin, "POST", "/visits", json=booking(world, walk))).json()
    second = (await service.call(world.admin, "POST", "/visits",
                                 json=booking(world, walk, visit_date="2026-06-02"))).json()

    steps = [("POST", f"/visits/{visit['id']}/move", {"visit_date": "2026-06-03", "schedule_block_id": block["id"]}),
             ("POST", f"/visits/{visit['id']}/reassign", {"staff_id": None}),
             ("PATCH", f"/visits/{visit['id']}", {"staff_note": "new note", "pet_ids": [str(world.pets[1])]}),
             ("POST", f"/visits/{visit['id']}/cancel", None),
             ("DELETE", f"/visits/{visit['id']}", None),
             ("POST", "/visits/bulk-cancel", {"visit_ids": [second["id"]]})]
    for method, path, body in steps:
        answer = await service.call(world.admin, method, path, json=body)
        assert answer.status_code in (200, 204), (path, answer.text)

    types = [row.kind for row in await service.sql("SELECT convert_from(value, 'UTF8')::jsonb->>'type' AS kind "
                                                 "FROM outbox ORDER BY seq")]
    assert types == ["scheduling.visit.scheduled", "scheduling.visit.scheduled", "scheduling.visit.moved",
                     "scheduling.visit.reassigned", "scheduling.visit.updated", "scheduling.visit.cancelled_by_staff",
                     "scheduling.visit.deleted", "scheduling.visit.cancelled_by_staff"]
    moved = (await service.published("scheduling.visit.moved"))[0]["visit"]
    assert (moved["time_block"], moved["starts_at"]) == ("Morning", None)


async def test_staff_see_their_own_visits_and_cannot_edit(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    mine = (await service.call(world.admin, "POST", "/visits", json=booking(world, walk))).json()
    unassigned = (await service.call(world.admin, "POST", "/visits", json=booking(world, walk, staff_id=None))).json()

    listed = (await service.call(world.staff, "GET", "/visits")).json()["items"]
    assert [v["id"] for v in listed] == [mine["id"]] and listed[0]["staff_note"] is None
    assert (await service.call(world.staff, "GET", f"/visits/{unassigned['id']}")).status_code == 404
    refused = await service.call(world.staff, "POST", f"/visits/{mine['id']}/cancel")
    assert refused.status_code == 403


async def test_pet_renames_reach_the_read_model(service: Service) -> None:
    world = await make_world(service)
    await service.feed(PetDetailsUpdated(pet_id=world.pets[0], client_id=world.client_id, name="Rexy", species="dog",
                                         changed_fields=["name"]), world.company_id)
    rows = await service.sql("SELECT name FROM pets WHERE id = :id", id=world.pets[0])
    assert [r.name for r in rows] == ["Rexy"]


async def test_tenant_every_visit_route_answers_404_for_another_companys_ids(service: Service) -> None:
    world = await make_world(service)
    walk, block = await catalogue(service, world)
    visit = (await service.call(world.admin, "POST", "/visits", json=booking(world, walk, staff_note=NOTE))).json()
    stranger_world = await make_world(service)
    stranger = stranger_world.admin
    vid = visit["id"]

    sweep = [("GET", f"/visits/{vid}", None),
             ("PATCH", f"/visits/{vid}", {"staff_note": "mine"}),
             ("POST", f"/visits/{vid}/move", {"visit_date": "2026-06-02", "start_time": "10:00"}),
             ("POST", f"/visits/{vid}/reassign", {"staff_id": None}),
             ("POST", f"/visits/{vid}/cancel", None),
             ("DELETE", f"/visits/{vid}", None),
             ("POST", "/visits/bulk-cancel", {"visit_ids": [vid]}),
             ("GET", f"/clients/{world.client_id}/visits", None),
             ("GET", f"/clients/{world.client_id}/visits/{vid}", None),
             ("POST", "/visits", booking(world, walk)),  # their client, pets and service
             ("POST", "/visits", booking(stranger_world, walk)),  # our service
             ("POST", "/visits", {**booking(stranger_world, walk), "service_id": str(uuid4())})]
    for method, path, body in sweep:
        answer = await service.call(stranger, method, path, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
        assert set(answer.json()["error"]) == {"code", "message", "details"}
    assert (await service.call(stranger, "GET", "/visits")).json()["items"] == []
    still = (await service.call(world.admin, "GET", f"/visits/{vid}")).json()
    assert (still["status"], still["staff_note"], still["start_time"]) == ("scheduled", NOTE, "09:00:00")
    assert len(await service.published("scheduling.visit.scheduled")) == 1


async def test_bad_input_is_a_4xx_in_the_one_shape_and_changes_nothing(service: Service) -> None:
    world = await make_world(service)
    walk, block = await catalogue(service, world)
    bad = [booking(world, walk, start_time=None),  # neither time nor block
           booking(world, walk, schedule_block_id=block["id"]),  # both
           booking(world, walk, start_time=None, schedule_block_id=str(uuid4())),  # unknown block
           booking(world, walk, start_time=None, schedule_block_id=block["id"], visit_date="2026-06-06"),  # Saturday
           booking(world, walk, pet_ids=[]), booking(world, walk, visit_date="0001-01-01"),
           booking(world, walk, start_time="25:00"), booking(world, walk, duration_minutes=0),
           booking(world, walk, staff_id=str(uuid4())), booking(world, walk, client_id="not-a-uuid"),
           booking(world, walk, colour="red"), booking(world, walk, start_time="09:00+02:00"),
           booking(world, walk, invoice_id=str(uuid4()), do_not_invoice=True),  # R-INV-1: one choice
           booking(world, walk, invoice_id="INV-1")]
    for body in bad:
        answer = await service.call(world.admin, "POST", "/visits", json=body)
        assert 400 <= answer.status_code < 500, (body, answer.text)
        assert set(answer.json()["error"]) == {"code", "message", "details"}
    visit = (await service.call(world.admin, "POST", "/visits", json=booking(world, walk))).json()
    for method, path, body in (("PATCH", f"/visits/{visit['id']}", {"pet_ids": None}),
                               ("PATCH", f"/visits/{visit['id']}", {"service_id": None}),
                               ("POST", f"/visits/{visit['id']}/move", {"visit_date": "2026-06-02"}),
                               ("POST", "/visits/bulk-cancel", {"visit_ids": []}),
                               ("GET", "/visits?limit=0", None), ("GET", "/visits?offset=-1", None)):
        answer = await service.call(world.admin, method, path, json=body)
        assert answer.status_code == 422, (path, body, answer.text)
    assert (await service.sql("SELECT count(*) AS n FROM visits"))[0].n == 1
    assert len(await service.published("scheduling.visit.scheduled")) == 1


async def test_the_company_must_be_known_before_visits_are_booked(service: Service) -> None:
    admin = admin_of()
    walk = (await service.call(admin, "POST", "/services", json={"name": "Walk", "duration_minutes": 30,
                                                                 "price_cents": 100})).json()
    answer = await service.call(admin, "POST", "/visits", json={
        "client_id": str(uuid4()), "pet_ids": [str(uuid4())], "service_id": walk["id"], "visit_date": "2026-06-01",
        "start_time": "09:00"})
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "company_not_known_yet"


async def test_visits_are_listed_by_start_within_a_window_given_with_an_offset(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    for day in ("2026-06-03", "2026-06-01", "2026-06-02"):
        await service.call(world.admin, "POST", "/visits", json=booking(world, walk, visit_date=day))

    window = await service.call(world.admin, "GET", "/visits", params={
        "starts_from": "2026-06-02T00:00:00-04:00", "starts_before": "2026-06-04T00:00:00Z", "limit": 1})
    assert [v["visit_date"] for v in window.json()["items"]] == ["2026-06-02"]
    for bad in ("2026-06-02T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        answer = await service.call(world.admin, "GET", "/visits", params={"starts_from": bad})
        assert answer.status_code == 422 and set(answer.json()["error"]) == {"code", "message", "details"}
    client_view = await service.call(world.client, "GET", f"/clients/{world.client_id}/visits",
                                     params={"offset": 1, "limit": 5})
    assert [v["visit_date"] for v in client_view.json()["items"]] == ["2026-06-02", "2026-06-03"]


async def test_r_sched_11_deactivation_with_the_option_deletes_future_scheduled_visits_only(service: Service) -> None:
    """R-INACT-3 / R-NEVER-4: past and cancelled visits stay; nothing for the client, only `visit.deleted`."""
    from petcare_contracts.events.clients import ClientDeactivated

    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    async def book(day: str) -> dict[str, Any]:
        return (await service.call(world.admin, "POST", "/visits", json=booking(world, walk, visit_date=day))).json()

    past, future, cancelled = await book("2025-01-06"), await book("2199-01-05"), await book("2199-01-06")
    await service.call(world.admin, "POST", f"/visits/{cancelled['id']}/cancel")
    others = (await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, client_id=str(world.other_client_id), pet_ids=[str(world.other_pet)], staff_id=None,
        visit_date="2199-01-05"))).json()

    await service.feed(ClientDeactivated(client_id=world.client_id, delete_future_visits=True, delete_templates=True),
                       world.company_id)

    left = {row.id for row in await service.sql("SELECT id FROM visits")}
    assert {str(v) for v in left} == {past["id"], cancelled["id"], others["id"]}
    assert await service.published("scheduling.visit.deleted") == [{"visit_id": future["id"],
                                                                     "client_id": str(world.client_id)}]


async def test_r_sched_11_deactivation_without_the_option_keeps_the_visits(service: Service) -> None:
    from petcare_contracts.events.clients import ClientDeactivated

    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    await service.call(world.admin, "POST", "/visits", json=booking(world, walk, visit_date="2199-01-05"))
    await service.feed(ClientDeactivated(client_id=world.client_id, delete_future_visits=False,
                                         delete_templates=False), world.company_id)
    assert (await service.sql("SELECT count(*) AS n FROM visits"))[0].n == 1
    assert await service.published("scheduling.visit.deleted") == []
