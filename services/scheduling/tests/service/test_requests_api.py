"""Client requests through the HTTP API on a real PostgreSQL: service requests (R-SCHED-6), cut-offs
(R-SCHED-7), change and cancellation requests (R-REQ-1..7)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import httpx
import pytest_asyncio
from petcare_contracts.events.clients import CompanySettingsChanged
from petcare_kit.identity import Identity, Role
from petcare_kit.migrations import upgrade_to_head
from petcare_tools.testing.local_today import local_today
from scheduling.bootstrap import create_app
from scheduling.config import SchedulingSettings
from scheduling.entrypoints.api import field, requests
from scheduling.spec import SPEC

from ..conftest import SECRET, Service, World, make_world

NY = ZoneInfo("America/New_York")
EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url: str, kafka_bootstrap_servers: str) -> AsyncIterator[Service]:
    """scheduling with the request and field routes (added here until the bootstrap has them)."""
    assert SPEC.alembic_dir is not None
    await asyncio.to_thread(upgrade_to_head, SPEC.alembic_dir, database_url)
    settings = SchedulingSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap_servers,
                                  internal_auth_secret=SECRET, environment="test", log_json=False,
                                  run_relay=False, run_consumers=False)
    app = create_app(settings)
    paths = {getattr(route, "path", None) for route in app.routes}
    for router in (requests.router, field.router):
        if not {getattr(route, "path", None) for route in router.routes} <= paths:
            app.include_router(router)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://scheduling") as http:
            yield Service(http, app.state.runtime)


async def setup(service: Service, *, auto_approve: bool = False, mode: str = "specific_visits",
                late_minutes: int | None = 15) -> tuple[World, dict[str, Any], dict[str, Any]]:
    """A company with a client-selectable walk in an every-day Morning block, portal settings fed."""
    world = await make_world(service)
    await service.feed(CompanySettingsChanged(
        company_id=world.company_id, name="Happy Paws", time_zone="America/New_York", portal_request_mode=mode,
        cancellations_auto_approve=auto_approve, notify_client_when_visit_starts=True), world.company_id)
    block = (await service.call(world.admin, "POST", "/schedule-blocks", json={
        "title": "Morning", "starts": "07:00", "ends": "11:00", "weekdays": EVERY_DAY})).json()
    walk = await service.call(world.admin, "POST", "/services", json={
        "name": "Dog walk", "duration_minutes": 30, "price_cents": 2500, "client_selectable": True,
        "schedule_block_ids": [block["id"]], "late_reminder_minutes": late_minutes})
    assert walk.status_code == 201, walk.text
    return world, block, walk.json()


def days_ahead(n: int) -> str:
    return (local_today() + timedelta(days=n)).isoformat()


async def book(service: Service, world: World, walk: dict[str, Any], *, day: str, at: str = "14:00",
               client_id: Any = None, staff: bool = False) -> dict[str, Any]:
    """A visit scheduled by the admin (at a time, for the client's first pet unless told)."""
    client = client_id or world.client_id
    pet = world.pets[0] if client == world.client_id else world.other_pet
    answer = await service.call(world.admin, "POST", "/visits", json={
        "client_id": str(client), "pet_ids": [str(pet)], "service_id": walk["id"], "visit_date": day,
        "start_time": at, "staff_id": str(world.staff_id) if staff else None, "override_conflicts": True})
    assert answer.status_code == 201, answer.text
    return answer.json()


def ask_for(world: World, block: dict[str, Any], walk: dict[str, Any], *dates: str) -> dict[str, Any]:
    return {"service_id": walk["id"], "schedule_block_id": block["id"], "pet_ids": [str(world.pets[0])],
            "dates": list(dates), "comments": "Gate code 1234"}


# ---- service requests (R-SCHED-6) ----------------------------------------------------------

async def test_r_sched_6_two_visits_requested_one_approved_one_rejected_one_confirmation(service: Service) -> None:
    world, block, walk = await setup(service)
    asked = await service.call(world.client, "POST", "/portal/service-requests",
                               json=ask_for(world, block, walk, days_ahead(3), days_ahead(4)))
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["status"] == "pending" and [v["decision"] for v in request["visits"]] == ["pending"] * 2
    submitted = await service.published("scheduling.service_request.submitted")
    assert [len(e["visits"]) for e in submitted] == [2] and submitted[0]["visits"][0]["time_block"] == "Morning"
    assert (await service.call(world.admin, "GET", "/visits")).json()["items"] == [], "never on the calendar by itself"
    queue = (await service.call(world.admin, "GET", f"/clients/{world.client_id}/requests")).json()
    assert [r["id"] for r in queue["service_requests"]] == [request["id"]]

    first, second = (v["id"] for v in request["visits"])
    path = f"/service-requests/{request['id']}/visits"
    approved = await service.call(world.admin, "POST", f"{path}/{first}/decision", json={"decision": "approved"})
    assert approved.status_code == 200, approved.text
    assert await service.published("scheduling.service_request.answered") == [], "not before every visit is decided"
    rejected = await service.call(world.admin, "POST", f"{path}/{second}/decision",
                                  json={"decision": "rejected", "message": "Fully booked that day"})
    assert rejected.json()["status"] == "processed"
    again = await service.call(world.admin, "POST", f"{path}/{second}/decision", json={"decision": "approved"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "request_already_decided"

    [confirmation] = await service.published("scheduling.service_request.answered")
    assert confirmation["decision"] == "partly_approved" and confirmation["message"] == "Fully booked that day"
    assert [v["decision"] for v in confirmation["visits"]] == ["approved", "rejected"]
    calendar = (await service.call(world.admin, "GET", "/visits")).json()["items"]
    assert [(v["visit_date"], v["schedule_block_id"]) for v in calendar] == [(days_ahead(3), block["id"])]
    assert confirmation["visits"][0]["visit_id"] == calendar[0]["id"]


async def test_r_sched_6_only_client_selectable_services_own_pets_and_future_dates(service: Service) -> None:
    world, block, walk = await setup(service)
    ask = ask_for(world, block, walk, days_ahead(2))
    private = (await service.call(world.admin, "POST", "/services", json={
        "name": "Overnight", "duration_minutes": 600, "price_cents": 9000, "client_selectable": False})).json()
    for body, status, code in [
        ({**ask, "service_id": private["id"]}, 422, "service_not_requestable"),
        ({**ask, "pet_ids": [str(world.other_pet)]}, 422, "pets_not_allowed"),
        ({**ask, "dates": [days_ahead(-1)]}, 422, "visit_in_past"),
        ({**ask, "schedule_block_id": str(uuid4())}, 404, "schedule_block_not_found"),
        ({**ask, "dates": []}, 422, "validation_error"),
    ]:
        answer = await service.call(world.client, "POST", "/portal/service-requests", json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), body
    staff = await service.call(world.staff, "POST", "/portal/service-requests", json=ask)
    assert staff.status_code == 403
    assert await service.published("scheduling.service_request.submitted") == []


# ---- cut-offs (R-SCHED-7) ------------------------------------------------------------------

async def test_r_sched_7_cutoffs_are_set_separately_and_a_refusal_says_why(service: Service) -> None:
    world, block, walk = await setup(service)
    visit = await book(service, world, walk, day=days_ahead(2))
    cutoffs = (await service.call(world.admin, "GET", "/settings/request-cutoffs")).json()
    assert cutoffs["new_requests"]["kind"] == cutoffs["change_requests"]["kind"] == "none"
    put = await service.call(world.admin, "PUT", "/settings/request-cutoffs", json={
        "new_requests": {"kind": "hours_ahead", "hours": 24 * 7, "message": "Please give us a week's notice."},
        "change_requests": {"kind": "next_day_after", "at": "18:00"}})
    assert put.status_code == 200, put.text

    late = await service.call(world.client, "POST", "/portal/service-requests",
                              json=ask_for(world, block, walk, days_ahead(3)))
    assert late.status_code == 422 and late.json()["error"] == {
        "code": "request_too_late", "message": "Please give us a week's notice.",
        "details": late.json()["error"]["details"]}
    in_time = await service.call(world.client, "POST", "/portal/service-requests",
                                 json=ask_for(world, block, walk, days_ahead(9)))
    assert in_time.status_code == 201
    cancel = await service.call(world.client, "POST", "/portal/cancellation-requests",
                                json={"visit_ids": [visit["id"]]})
    assert cancel.status_code == 201, "the change cut-off (the evening before) is not the new-request one"
    for bad in ({"new_requests": {"kind": "same_day_after"}}, {"change_requests": {"kind": "hours_ahead", "hours": 0}}):
        answer = await service.call(world.admin, "PUT", "/settings/request-cutoffs", json=bad)
        assert answer.status_code == 422, bad
    assert (await service.call(world.client, "PUT", "/settings/request-cutoffs", json={})).status_code == 403


# ---- change and cancellation requests (R-REQ-1..7) -----------------------------------------

async def test_r_req_1_requests_against_visits_only_in_that_portal_mode(service: Service) -> None:
    world, _, walk = await setup(service, mode="general_message")
    visit = await book(service, world, walk, day=days_ahead(2))
    answer = await service.call(world.client, "POST", "/portal/cancellation-requests",
                                json={"visit_ids": [visit["id"]]})
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "requests_against_visits_off"


async def test_r_req_2_an_auto_approved_cancellation_is_cancelled_and_confirmed_at_once(service: Service) -> None:
    world, _, walk = await setup(service, auto_approve=True)
    visit = await book(service, world, walk, day=days_ahead(2))
    answer = await service.call(world.client, "POST", "/portal/cancellation-requests",
                                json={"visit_ids": [visit["id"]], "reason": "Rex is at the vet"})
    assert answer.status_code == 201
    assert (answer.json()["decision"], answer.json()["auto_approved"]) == ("approved", True)
    assert (await service.call(world.admin, "GET", f"/visits/{visit['id']}")).json()["status"] == "cancelled"
    [answered] = await service.published("scheduling.change_request.answered")
    assert (answered["decision"], answered["auto_approved"], answered["kind"]) == ("approved", True, "cancellation")
    [submitted] = await service.published("scheduling.change_request.submitted")
    assert submitted["reason"] == "Rex is at the vet"
    assert await service.published("scheduling.visit.cancelled_by_staff") == [], "the client cancelled, not staff"


async def test_r_req_2_without_auto_approve_a_cancellation_waits_and_r_req_6_denial_leaves_it(service: Service) -> None:
    world, _, walk = await setup(service)
    visit = await book(service, world, walk, day=days_ahead(2))
    request = (await service.call(world.client, "POST", "/portal/cancellation-requests",
                                  json={"visit_ids": [visit["id"]]})).json()
    assert request["decision"] == "pending"
    assert await service.published("scheduling.change_request.answered") == []
    denied = await service.call(world.admin, "POST", f"/change-requests/{request['id']}/decision",
                                json={"decision": "denied", "message": "Less than 24 hours' notice"})
    assert denied.status_code == 200 and denied.json()["decision"] == "denied"
    assert (await service.call(world.admin, "GET", f"/visits/{visit['id']}")).json()["status"] == "scheduled"
    [answered] = await service.published("scheduling.change_request.answered")
    assert (answered["decision"], answered["message"]) == ("denied", "Less than 24 hours' notice")


async def test_r_req_3_a_change_is_reviewed_and_r_req_6_approval_applies_it(service: Service) -> None:
    world, block, walk = await setup(service, auto_approve=True)
    visit = await book(service, world, walk, day=days_ahead(2))
    request = await service.call(world.client, "POST", "/portal/change-requests", json={
        "visit_id": visit["id"], "new_date": days_ahead(5), "new_schedule_block_id": block["id"],
        "new_pet_ids": [str(p) for p in world.pets], "notes": "Both dogs please"})
    assert request.status_code == 201, request.text
    assert request.json()["decision"] == "pending", "changes are always reviewed, even with auto-approve"
    [submitted] = await service.published("scheduling.change_request.submitted")
    assert submitted["change"]["new_time_block"] == "Morning" and submitted["change"]["new_pet_names"] == ["Rex", "Tom"]
    unchanged = (await service.call(world.admin, "GET", f"/visits/{visit['id']}")).json()
    assert unchanged["visit_date"] == days_ahead(2)

    approved = await service.call(world.admin, "POST", f"/change-requests/{request.json()['id']}/decision",
                                  json={"decision": "approved"})
    assert approved.status_code == 200, approved.text
    moved = (await service.call(world.admin, "GET", f"/visits/{visit['id']}")).json()
    assert (moved["visit_date"], moved["schedule_block_id"], len(moved["pet_ids"])) == (days_ahead(5), block["id"], 2)
    assert [e["decision"] for e in await service.published("scheduling.change_request.answered")] == ["approved"]
    nothing = await service.call(world.client, "POST", "/portal/change-requests", json={"visit_id": visit["id"]})
    assert nothing.status_code == 422


async def test_r_req_4_a_pending_request_shows_on_the_visit_and_in_the_pending_list(service: Service) -> None:
    world, _, walk = await setup(service)
    visit = await book(service, world, walk, day=days_ahead(2))
    other = await book(service, world, walk, day=days_ahead(3))
    request = (await service.call(world.client, "POST", "/portal/cancellation-requests",
                                  json={"visit_ids": [visit["id"]]})).json()
    schedule = (await service.call(world.client, "GET", "/portal/schedule")).json()
    banners = {v["id"]: v["pending_request"] for v in schedule["visits"]}
    assert banners == {visit["id"]: {"request_id": request["id"], "kind": "cancellation"}, other["id"]: None}
    assert [r["id"] for r in schedule["change_requests"]] == [request["id"]]
    assert all("staff_note" not in v for v in schedule["visits"])
    twice = await service.call(world.client, "POST", "/portal/cancellation-requests", json={"visit_ids": [visit["id"]]})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "request_already_pending"

    await service.call(world.admin, "POST", f"/change-requests/{request['id']}/decision", json={"decision": "approved"})
    after = (await service.call(world.client, "GET", "/portal/schedule")).json()
    assert after["change_requests"] == [] and [v["id"] for v in after["visits"]] == [other["id"]]


async def test_r_req_5_several_visits_cancelled_in_one_request(service: Service) -> None:
    world, _, walk = await setup(service)
    visits = [await book(service, world, walk, day=days_ahead(n)) for n in (2, 3, 4)]
    request = (await service.call(world.client, "POST", "/portal/cancellation-requests",
                                  json={"visit_ids": [v["id"] for v in visits]})).json()
    [submitted] = await service.published("scheduling.change_request.submitted")
    assert len(submitted["visits"]) == 3
    await service.call(world.admin, "POST", f"/change-requests/{request['id']}/decision", json={"decision": "approved"})
    statuses = [(await service.call(world.admin, "GET", f"/visits/{v['id']}")).json()["status"] for v in visits]
    assert statuses == ["cancelled"] * 3
    assert len(await service.published("scheduling.change_request.answered")) == 1, "one confirmation"


async def test_r_req_7_only_the_client_s_own_future_not_completed_or_cancelled_visits(service: Service) -> None:
    world, _, walk = await setup(service)
    someone_else = await book(service, world, walk, day=days_ahead(2), client_id=world.other_client_id)
    past = await book(service, world, walk, day=days_ahead(-2))
    done = await book(service, world, walk, day=days_ahead(2), at="09:00")
    assert (await service.call(world.admin, "POST", f"/visits/{done['id']}/complete", json={})).status_code == 200
    cancelled = await book(service, world, walk, day=days_ahead(3))
    await service.call(world.admin, "POST", f"/visits/{cancelled['id']}/cancel")
    elsewhere = Identity(Role.CLIENT, person_id=world.client_id, company_id=uuid4())

    for who, visit_id, status, code in [
        (world.client, someone_else["id"], 404, "visit_not_found"),
        (world.client, str(uuid4()), 404, "visit_not_found"),
        (world.client, past["id"], 422, "visit_in_past"),
        (world.client, done["id"], 409, "visit_not_requestable"),
        (world.client, cancelled["id"], 409, "visit_not_requestable"),
    ]:
        for path, body in (("/portal/cancellation-requests", {"visit_ids": [visit_id]}),
                           ("/portal/change-requests", {"visit_id": visit_id, "notes": "x"})):
            answer = await service.call(who, "POST", path, json=body)
            assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), (path, visit_id)
    assert (await service.call(elsewhere, "POST", "/portal/cancellation-requests",
                               json={"visit_ids": [someone_else["id"]]})).status_code in (403, 404)
    assert await service.published("scheduling.change_request.submitted") == []


async def test_another_company_s_or_another_client_s_requests_are_not_found(service: Service) -> None:
    world, block, walk = await setup(service)
    visit = await book(service, world, walk, day=days_ahead(2))
    asked = (await service.call(world.client, "POST", "/portal/service-requests",
                                json=ask_for(world, block, walk, days_ahead(3)))).json()
    cancel = (await service.call(world.client, "POST", "/portal/cancellation-requests",
                                 json={"visit_ids": [visit["id"]]})).json()
    stranger = Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4())
    neighbour = Identity(Role.CLIENT, person_id=world.other_client_id, company_id=world.company_id)
    requested_visit = asked["visits"][0]["id"]

    for who, method, path, body in [
        (stranger, "GET", f"/service-requests/{asked['id']}", None),
        (stranger, "POST", f"/service-requests/{asked['id']}/visits/{requested_visit}/decision",
         {"decision": "approved"}),
        (stranger, "GET", f"/change-requests/{cancel['id']}", None),
        (stranger, "POST", f"/change-requests/{cancel['id']}/decision", {"decision": "approved"}),
        (neighbour, "GET", f"/portal/service-requests/{asked['id']}", None),
        (neighbour, "GET", f"/portal/change-requests/{cancel['id']}", None),
        (world.admin, "POST", f"/service-requests/{asked['id']}/visits/{uuid4()}/decision", {"decision": "approved"}),
    ]:
        answer = await service.call(who, method, path, json=body)
        assert answer.status_code == 404 and set(answer.json()["error"]) == {"code", "message", "details"}, path
    assert (await service.call(stranger, "GET", "/service-requests/pending")).json() == []
    assert (await service.call(neighbour, "GET", "/portal/requests")).json() == {"service_requests": [],
                                                                                  "change_requests": []}
    assert await service.published("scheduling.service_request.answered") == []
    assert await service.published("scheduling.change_request.answered") == []
