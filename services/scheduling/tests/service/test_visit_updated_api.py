"""PATCH of a visit on a real PostgreSQL: other pets, service or duration put exactly one
`scheduling.visit.updated` in the outbox with the new values (what billing needs), never the
staff-only note; a note-only edit puts nothing there (R-SCHED-3, R-NEVER-2)."""

from __future__ import annotations

from ..conftest import Service, make_world
from .test_visits_api import NOTE, booking, catalogue

UPDATED = "scheduling.visit.updated"


async def test_r_sched_3_a_patch_of_pets_service_and_duration_publishes_one_update_without_the_note(
        service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    sitting = (await service.call(world.admin, "POST", "/services",
                                  json={"name": "Cat sitting", "duration_minutes": 45, "price_cents": 4000,
                                        "taxable": True})).json()
    visit = (await service.call(world.admin, "POST", "/visits", json=booking(world, walk, staff_note=NOTE))).json()

    answer = await service.call(world.admin, "PATCH", f"/visits/{visit['id']}", json={
        "service_id": sitting["id"], "pet_ids": [str(p) for p in world.pets], "duration_minutes": 60,
        "staff_note": NOTE + ", dog shy"})

    assert answer.status_code == 200, answer.text
    [event] = [e for e in await service.published(UPDATED) if e["visit_id"] == visit["id"]]
    assert (event["client_id"], event["service_id"], event["service_name"]) == (
        str(world.client_id), sitting["id"], "Cat sitting")
    assert event["pet_ids"] == [str(p) for p in world.pets] and event["duration_minutes"] == 60
    assert event["visit"]["service_name"] == "Cat sitting" and event["visit"]["pet_names"] == ["Rex", "Tom"]
    assert "Alarm code" not in str(event) and "staff_note" not in event


async def test_r_never_2_a_note_only_patch_publishes_nothing(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    visit = (await service.call(world.admin, "POST", "/visits", json=booking(world, walk))).json()

    answer = await service.call(world.admin, "PATCH", f"/visits/{visit['id']}", json={"staff_note": NOTE})

    assert answer.status_code == 200, answer.text
    assert answer.json()["staff_note"] == NOTE
    assert [e for e in await service.published(UPDATED) if e["visit_id"] == visit["id"]] == []
