"""Sweeps over every route of facility's OpenAPI document, on a real PostgreSQL, with two companies
holding a full set of data each (spaces, services, add-ons, a daycare day and an overnight stay with
an add-on, each with an event note):

- roles: every route answers each role it does not allow 403 `role_not_allowed` and changes
  nothing; who may do what is the table below (managers manage, staff read and check in/out, a
  client reads their own events);
- tenant isolation: each route with ids, called by company B's people with company A's ids (in the
  path, or in the body), answers 4xx in the one error shape and changes nothing;
- R-FAC-3: every route a client may call answers A's client on A's own data without the note, and
  no event facility published in the whole run carries it;
- the bad input of issue 12: one error shape, nothing changed, no outbox row."""

from __future__ import annotations

import itertools
from typing import Any
from uuid import uuid4

from petcare_kit.identity import Identity, Role

from ..conftest import Service
from .helpers import NOTE, days_ahead, make_facility, ok
from .sweeps import BODIES, assert_error_shape, changed, fingerprint, routes_of, without_names

MANAGERS, STAFF, PEOPLE = ("admin", "office_manager"), ("admin", "office_manager", "staff"), \
    ("admin", "office_manager", "staff", "client")
EXPECTED_ROLES = {
    "GET /spaces": STAFF, "POST /spaces": MANAGERS, "GET /spaces/{space_id}": STAFF,
    "PATCH /spaces/{space_id}": MANAGERS, "GET /settings": STAFF, "PUT /settings": MANAGERS,
    "GET /services": STAFF, "POST /services": MANAGERS, "GET /services/{service_id}": STAFF,
    "PATCH /services/{service_id}": MANAGERS,
    "GET /events": STAFF, "POST /events": MANAGERS, "GET /events/{event_id}": STAFF,
    "PATCH /events/{event_id}": MANAGERS, "POST /events/{event_id}/check-in": STAFF,
    "POST /events/{event_id}/check-out": STAFF, "POST /events/{event_id}/cancel": MANAGERS,
    "POST /events/{event_id}/add-ons": MANAGERS, "POST /events/{event_id}/duplicate": MANAGERS,
    "GET /clients/{client_id}/events": PEOPLE, "GET /clients/{client_id}/events/{event_id}": PEOPLE,
}
"""Who may call each core route (R-FAC roles): managers manage; staff read and check pets in and
out; a client only their own events (the route checks the client is the caller)."""


def identities(company_id: Any, client_id: Any, staff_id: Any) -> dict[str, Identity]:
    return {"admin": Identity(Role.ADMIN, uuid4(), company_id),
            "office_manager": Identity(Role.OFFICE_MANAGER, uuid4(), company_id),
            "staff": Identity(Role.STAFF, staff_id, company_id), "client": Identity(Role.CLIENT, client_id, company_id)}


async def test_roles_every_route_refuses_the_roles_it_does_not_allow_and_changes_nothing(service: Service) -> None:
    a = await make_facility(service)
    routes = routes_of(service)
    assert {str(r): r.roles for r in routes if r.core} == EXPECTED_ROLES
    people = identities(a.world.company_id, a.world.client_id, a.world.staff_id)
    swept = 0
    for route in routes:
        ids = route.ids_of(a) if route.core else {p: str(uuid4()) for p in route.path_params}
        body = route.body(a) if route.core else {}
        for role, caller in people.items():
            if role in route.roles:
                continue
            before = await fingerprint(service)
            answer = await service.call(caller, route.method, route.url(ids), json=body)
            assert_error_shape(answer, {403}, f"{route} as {role}")
            assert answer.json()["error"]["code"] == "role_not_allowed", f"{route} as {role}: {answer.text}"
            assert changed(before, await fingerprint(service)) == [], f"{route} as {role} changed something"
            swept += 1
    assert swept >= 25


async def test_tenant_isolation_another_company_s_ids_in_the_path_are_not_found_and_change_nothing(
        service: Service) -> None:
    a, b = await make_facility(service), await make_facility(service)
    swept = 0
    for route in routes_of(service):
        if not route.core or not route.path_params:
            continue
        ids_a, ids_b = route.ids_of(a), route.ids_of(b)
        callers = [c for role, c in identities(b.world.company_id, b.world.client_id, b.world.staff_id).items()
                   if role in route.roles]
        for pick in itertools.product((True, False), repeat=len(route.path_params)):
            if not any(pick):
                continue
            ids = {p: (ids_a if from_a else ids_b)[p] for p, from_a in zip(route.path_params, pick, strict=True)}
            for caller in callers:
                before = await fingerprint(service)
                answer = await service.call(caller, route.method, route.url(ids), json=route.body(b))
                theirs = [p for p, from_a in zip(route.path_params, pick, strict=True) if from_a]
                who = f"{route} as B's {caller.role.value} with A's {theirs}"
                assert_error_shape(answer, {403, 404}, who)
                assert NOTE not in answer.text, who
                assert changed(before, await fingerprint(service)) == [], f"{who} changed something"
                swept += 1
    assert swept >= 30


async def test_tenant_isolation_another_company_s_ids_in_a_body_are_refused_and_change_nothing(
        service: Service) -> None:
    a, b = await make_facility(service), await make_facility(service)
    swept = 0
    for route in routes_of(service):
        if not route.core or route.body_schema is None or without_names(route.body(a)) == without_names(route.body(b)):
            continue
        for role in route.roles:
            caller = identities(b.world.company_id, b.world.client_id, b.world.staff_id)[role]
            before = await fingerprint(service)
            answer = await service.call(caller, route.method, route.url(route.ids_of(b)), json=route.body(a))
            who = f"{route} as B's {role} with A's ids in the body"
            assert_error_shape(answer, {404, 409, 422}, who)
            assert answer.json()["error"]["code"] != "validation_error", f"{who}: the body itself is invalid"
            assert changed(before, await fingerprint(service)) == [], f"{who} changed something"
            swept += 1
    assert swept >= 8


async def test_r_fac_3_no_client_facing_answer_and_no_published_event_contains_the_event_note(
        service: Service) -> None:
    a = await make_facility(service)
    await make_facility(service)  # another company's data around, as in production
    admin = a.world.admin
    assert NOTE in (await service.call(admin, "GET", f"/events/{a.stay_event['id']}")).text, "the business sees it"
    # Every kind of change, so that every kind of published state is in the outbox.
    stay = a.stay_event["id"]
    ok(await service.call(admin, "PATCH", f"/events/{stay}", json={"note": f"{NOTE} again", "space_id": a.space_id}))
    ok(await service.call(admin, "POST", f"/events/{stay}/duplicate", json={"dates": [days_ahead(40)]}), 201)
    ok(await service.call(a.world.staff, "POST", f"/events/{stay}/check-in"))
    ok(await service.call(a.world.staff, "POST", f"/events/{stay}/check-out"))
    ok(await service.call(admin, "POST", f"/events/{a.daycare_event['id']}/cancel"))

    client_facing = [r for r in routes_of(service) if "client" in r.roles]
    assert {str(r) for r in client_facing} >= {"GET /clients/{client_id}/events",
                                               "GET /clients/{client_id}/events/{event_id}"}
    for route in sorted(client_facing, key=lambda r: (r.method != "GET", r.path)):
        answer = await service.call(a.world.client, route.method, route.url(route.ids_of(a)), json=route.body(a))
        assert answer.status_code < 300, f"{route} as A's client on A's data: {answer.text}"
        assert NOTE not in answer.text and '"note"' not in answer.text, f"{route} leaks the event note"
    events = await service.outbox()
    assert len([e for e in events if e["type"] == "facility.event.changed"]) >= 8
    for envelope in events:
        assert NOTE not in str(envelope) and "note" not in envelope["data"], f"{envelope['type']} carries the note"


async def test_bad_input_gets_the_one_error_shape_and_changes_nothing(service: Service) -> None:
    a, b = await make_facility(service), await make_facility(service)
    w = a.world
    event = BODIES["ScheduleEvent"](a)
    stay = {**event, "service_id": a.overnight_id, "start_time": None, "end_time": None,
            "starts_on": days_ahead(20), "ends_on": days_ahead(22)}
    path = f"/events/{a.stay_event['id']}"
    cases: list[tuple[str, str, str, dict[str, Any], int, str]] = [
        ("another client's pets", "POST", "/events", {**event, "pet_ids": [str(w.other_pet)]}, 422, "pets_not_allowed"),
        ("another client's pets (change)", "PATCH", path, {"pet_ids": [str(w.other_pet)]}, 422, "pets_not_allowed"),
        ("a space of another company", "POST", "/events", {**event, "space_id": b.space_id}, 404, "space_not_found"),
        ("a space of another company (change)", "PATCH", path, {"space_id": b.space_id}, 404, "space_not_found"),
        ("a space of another company (service)", "POST", "/services",
         {"name": "Cats", "kind": "daycare", "price_cents": 1, "space_ids": [b.space_id]}, 404, "space_not_found"),
        ("end before start (daycare)", "POST", "/events", {**event, "start_time": "15:00", "end_time": "09:00"},
         422, "invalid_event_time"),
        ("end before start (overnight)", "POST", "/events", {**stay, "ends_on": days_ahead(19)},
         422, "invalid_event_time"),
        ("end before start (move)", "PATCH", path, {"starts_on": days_ahead(9), "ends_on": days_ahead(8)},
         422, "invalid_event_time"),
        ("times on an overnight stay", "POST", "/events", {**stay, "start_time": "09:00"}, 422, "invalid_event_time"),
        ("a past duplication date", "POST", f"{path}/duplicate", {"dates": [days_ahead(-1)]}, 422, "date_in_past"),
        ("an inactive client", "POST", "/events",
         {**event, "client_id": str(w.inactive_client_id), "pet_ids": [str(w.inactive_pet)]}, 409, "client_inactive"),
        ("an add-on as the main service", "POST", "/events", {**event, "service_id": a.bath_id},
         422, "service_not_allowed"),
        ("an add-on date outside the event", "POST", f"{path}/add-ons",
         {"service_id": a.bath_id, "on": days_ahead(30)}, 422, "invalid_event_time"),
        ("an unknown field", "POST", "/events", {**event, "colour": "red"}, 422, "validation_error"),
    ]
    for what, method, url, body, status, code in cases:
        before, seq = await fingerprint(service), await service.last_seq()
        answer = await service.call(w.admin, method, url, json=body)
        assert_error_shape(answer, {status}, what)
        assert answer.json()["error"]["code"] == code, f"{what}: {answer.text}"
        assert await service.outbox(since=seq) == [], f"{what}: wrote to the outbox"
        assert changed(before, await fingerprint(service)) == [], f"{what} changed something"
    # A main service limited to other spaces (the daycare is allowed in both of A's spaces so far).
    ok(await service.call(w.admin, "PATCH", f"/services/{a.daycare_id}", json={"space_ids": [a.other_space_id]}))
    before = await fingerprint(service)
    narrow = await service.call(w.admin, "POST", "/events", json=event)
    assert_error_shape(narrow, {422}, "a service not allowed in the space")
    assert narrow.json()["error"]["code"] == "service_not_allowed"
    assert changed(before, await fingerprint(service)) == []

