"""In the field (R-SCHED-8) through the HTTP API on a real PostgreSQL."""

from __future__ import annotations

from uuid import uuid4

from petcare_kit.identity import Identity, Role

from ..conftest import Service
from .test_requests_api import book, days_ahead, service, setup

__all__ = ["service"]


async def test_r_sched_8_staff_start_and_complete_their_own_visit_with_a_message_photos_and_report_card(
        service: Service) -> None:
    world, _, walk = await setup(service)
    visit = await book(service, world, walk, day=days_ahead(1), staff=True)

    started = await service.call(world.staff, "POST", f"/visits/{visit['id']}/start")
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "in_progress" and started.json()["started_at"]
    [start] = await service.published("scheduling.visit.started")
    assert (start["visit_id"], start["staff_id"]) == (visit["id"], str(world.staff_id))
    twice = await service.call(world.staff, "POST", f"/visits/{visit['id']}/start")
    assert twice.status_code == 409

    completed = await service.call(world.staff, "POST", f"/visits/{visit['id']}/complete", json={
        "message_for_client": "Rex had a great walk!", "image_urls": ["https://img.example.com/rex.jpg"],
        "report_card_url": "https://cards.example.com/42"})
    assert completed.status_code == 200 and completed.json()["status"] == "completed"
    [done] = await service.published("scheduling.visit.completed")
    assert (done["message_for_client"], done["image_urls"], done["report_card_url"]) == (
        "Rex had a great walk!", ["https://img.example.com/rex.jpg"], "https://cards.example.com/42")
    assert done["visit"]["pet_names"] == ["Rex"]


async def test_r_sched_8_staff_touch_only_their_own_visits_unless_admin(service: Service) -> None:
    world, _, walk = await setup(service)
    theirs = await book(service, world, walk, day=days_ahead(1), staff=True)
    unassigned = await book(service, world, walk, day=days_ahead(1), at="16:00")
    colleague = Identity(Role.STAFF, person_id=uuid4(), company_id=world.company_id)

    for who, visit in ((colleague, theirs), (world.staff, unassigned)):
        refused = await service.call(who, "POST", f"/visits/{visit['id']}/start")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_visit"
    assert (await service.call(world.client, "POST", f"/visits/{theirs['id']}/start")).status_code == 403
    elsewhere = Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4())
    assert (await service.call(elsewhere, "POST", f"/visits/{theirs['id']}/start")).status_code == 404
    assert await service.published("scheduling.visit.started") == []

    assert (await service.call(world.admin, "POST", f"/visits/{unassigned['id']}/complete", json={})).status_code == 200
    [done] = await service.published("scheduling.visit.completed")
    assert done["message_for_client"] is None, "no message: notifications sends nothing (R-EMAIL-1)"


async def test_r_sched_8_a_completion_s_bad_input_is_a_422_and_changes_nothing(service: Service) -> None:
    world, _, walk = await setup(service)
    visit = await book(service, world, walk, day=days_ahead(1), staff=True)
    for bad in ({"image_urls": ["not a url"]}, {"image_urls": ["https://x.example.com/a.jpg"] * 11},
                {"report_card_url": "ftp:/nope"}, {"colour": "red"}):
        answer = await service.call(world.staff, "POST", f"/visits/{visit['id']}/complete", json=bad)
        assert answer.status_code == 422 and set(answer.json()["error"]) == {"code", "message", "details"}, bad
    assert (await service.call(world.admin, "GET", f"/visits/{visit['id']}")).json()["status"] == "scheduled"
