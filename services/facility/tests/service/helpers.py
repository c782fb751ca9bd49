"""A company set up through facility's API for the service tests: spaces, services, events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from petcare_tools.testing.local_today import local_today

from ..conftest import Service, World, make_world

NY = ZoneInfo("America/New_York")
NOTE = "STAFF-ONLY-c41d-facility-gate-code-9876"
"""The event note's unique marker: never in a client-facing answer or a published event (R-FAC-3)."""


def days_ahead(n: int) -> str:
    return (local_today() + timedelta(days=n)).isoformat()


def ok(answer: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, f"{answer.request.method} {answer.request.url}: {answer.text}"
    body: dict[str, Any] = answer.json()
    return body


@dataclass(frozen=True)
class Facility:
    """A company with a space, another space, daycare, overnight and an add-on, and two events of
    its client (each with the note): a daycare day and an overnight stay with the add-on."""

    world: World
    space_id: str
    other_space_id: str
    daycare_id: str
    overnight_id: str
    bath_id: str
    daycare_event: dict[str, Any]
    stay_event: dict[str, Any]


async def make_facility(service: Service, time_zone: str = "America/New_York") -> Facility:
    world = await make_world(service, time_zone)
    call, admin = service.call, world.admin
    space = ok(await call(admin, "POST", "/spaces", json={"name": "Suite 1", "capacity": 4, "pets_per_staff": 4,
                                                          "internal_note": "door sticks"}), 201)
    yard = ok(await call(admin, "POST", "/spaces", json={"name": "Play yard"}), 201)
    daycare = ok(await call(admin, "POST", "/services", json={
        "name": "Daycare", "kind": "daycare", "price_cents": 3000, "taxable": True,
        "space_ids": [space["id"], yard["id"]]}), 201)
    overnight = ok(await call(admin, "POST", "/services", json={
        "name": "Boarding", "kind": "overnight", "price_cents": 4500, "taxable": True}), 201)
    bath = ok(await call(admin, "POST", "/services", json={
        "name": "Bath", "kind": "add_on", "price_cents": 1500, "main_service_ids": [daycare["id"], overnight["id"]]}),
              201)
    day = ok(await call(admin, "POST", "/events", json={
        "client_id": str(world.client_id), "pet_ids": [str(world.pets[0])], "service_id": daycare["id"],
        "space_id": yard["id"], "starts_on": days_ahead(2), "start_time": "08:00", "end_time": "17:30",
        "note": f"{NOTE}: lunch at noon"}), 201)["event"]
    stay = ok(await call(admin, "POST", "/events", json={
        "client_id": str(world.client_id), "pet_ids": [str(p) for p in world.pets], "service_id": overnight["id"],
        "space_id": space["id"], "starts_on": days_ahead(5), "ends_on": days_ahead(8),
        "note": f"{NOTE}: pills at 8"}), 201)["event"]
    stay = ok(await call(admin, "POST", f"/events/{stay['id']}/add-ons", json={
        "service_id": bath["id"], "on": days_ahead(7), "at": "10:00"}), 201)
    return Facility(world, space["id"], yard["id"], daycare["id"], overnight["id"], bath["id"], day, stay)


def local_date(text: str) -> date:
    return date.fromisoformat(text)
