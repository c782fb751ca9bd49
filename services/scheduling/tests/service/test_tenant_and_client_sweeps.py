"""Sweeps over every route of scheduling's OpenAPI document, on a real PostgreSQL, with two companies
holding a full set of data each (catalogue, clients, pets, staff, visits with a staff-only note, a
template, a service request, a change request, calendar feeds, an invoice from billing.events):

- tenant isolation: each route with path parameters, called by company B's people with company
  A's ids, answers 404 (or 403) in the one error shape and changes nothing (every table and the
  outbox read back the same). The routes come from `app.openapi()`, so a route added later is swept
  without editing this file; an unknown path parameter or request body fails the sweep with a
  message saying what to teach it.
- R-SCHED-3: every route a client may call (`x-roles` of the OpenAPI operation, written by kit's
  `allow()`; the public client feed too) answers A's client on A's own data without the staff-only
  note's marker anywhere in the body.
- The bad input of issue 10: pets of another client, a client request for a visit in the past, an
  unknown block, end before start: a 4xx in the one shape, nothing changed, no outbox row."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from petcare_contracts.events.billing import InvoiceVisitsChanged
from petcare_contracts.events.clients import CompanySettingsChanged
from petcare_kit.identity import Identity
from petcare_tools.testing.local_today import local_today

from ..conftest import Service, World, make_world

NY = ZoneInfo("America/New_York")
MARKER = "STAFF-ONLY-7f3a9c-gate-code-4321"
"""The staff-only note's unique marker: it must never appear in a client-facing answer (R-SCHED-3)."""
EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
ERROR_KEYS = {"code", "message", "details"}
UNTENANTED = {"/health", "/ready"}
"""Probes with no company data at all."""


def days_ahead(n: int) -> str:
    return (local_today() + timedelta(days=n)).isoformat()


@dataclass(frozen=True)
class Company:
    """A company with one of every kind of thing scheduling keeps (ids as strings)."""

    world: World
    block_id: str
    service_id: str
    visits: tuple[str, ...]
    """The client's future visits, each with the staff-only note: [0] read, [1] changed by the
    client, [2] cancelled by the client, [3] held by the pending change request."""
    template_id: str
    period_start: str
    service_request_id: str
    requested_visit_id: str
    change_request_id: str
    invoice_id: str
    client_token: str
    staff_token: str

    @property
    def admin(self) -> Identity:
        return self.world.admin

    @property
    def client(self) -> Identity:
        return self.world.client

    @property
    def staff(self) -> Identity:
        return self.world.staff


def ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, f"{answer.request.method} {answer.request.url}: {answer.text}"
    body: dict[str, Any] = answer.json()
    return body


async def make_company(service: Service) -> Company:
    """A full company, made through the API and the consumer as the other tests make each part."""
    world = await make_world(service)
    await service.feed(CompanySettingsChanged(
        company_id=world.company_id, name="Happy Paws", time_zone="America/New_York",
        portal_request_mode="specific_visits", cancellations_auto_approve=False,
        notify_client_when_visit_starts=True), world.company_id)
    call = service.call
    block = ok(await call(world.admin, "POST", "/schedule-blocks", json={
        "title": "Morning", "starts": "07:00", "ends": "11:00", "weekdays": EVERY_DAY}), 201)
    walk = ok(await call(world.admin, "POST", "/services", json={
        "name": "Dog walk", "duration_minutes": 30, "price_cents": 2500, "client_selectable": True,
        "schedule_block_ids": [block["id"]], "late_reminder_minutes": 15}), 201)
    visits = []
    for n in (2, 3, 4, 5):
        visit = ok(await call(world.admin, "POST", "/visits", json={
            "client_id": str(world.client_id), "pet_ids": [str(world.pets[0])], "service_id": walk["id"],
            "visit_date": days_ahead(n), "start_time": "14:00", "staff_id": str(world.staff_id),
            "staff_note": f"{MARKER}: key under the mat", "override_conflicts": True}), 201)
        visits.append(visit["id"])
    template = ok(await call(world.admin, "POST", "/templates", json={
        "client_id": str(world.client_id), "pet_ids": [str(world.pets[0])], "service_id": walk["id"],
        "starts_on": days_ahead(30), "start_time": "16:00",
        "repeat": {"frequency": "weekly", "interval": 1, "weekdays": ["MO", "WE"]},
        "billing": {"frequency": "weekly"}, "auto_approve_days": None}), 201)
    detail = ok(await call(world.admin, "GET", f"/templates/{template['id']}"))
    asked = ok(await call(world.client, "POST", "/portal/service-requests", json={
        "service_id": walk["id"], "schedule_block_id": block["id"], "pet_ids": [str(world.pets[0])],
        "dates": [days_ahead(10)], "comments": "Gate code 1234"}), 201)
    change = ok(await call(world.client, "POST", "/portal/cancellation-requests",
                                 json={"visit_ids": [visits[3]]}), 201)
    invoice_id = uuid4()
    await service.feed(InvoiceVisitsChanged(invoice_id=invoice_id, client_id=world.client_id,
                                            visit_ids=[UUID(visits[0])], revision=1, number="INV-0001"),
                       world.company_id)
    client_feed = ok(await call(world.client, "POST", f"/calendar/clients/{world.client_id}/subscription"))
    staff_feed = ok(await call(world.staff, "POST", f"/calendar/staff/{world.staff_id}/subscription"))
    return Company(world, block["id"], walk["id"], tuple(visits), template["id"], detail["periods"][0]["start"],
                   asked["id"], asked["visits"][0]["id"], change["id"], str(invoice_id),
                   client_feed["token"], staff_feed["token"])


# ---- what the sweeps know about the routes ---------------------------------------------------

PATH_IDS: dict[str, Callable[[Company, str], str]] = {
    "service_id": lambda c, _: c.service_id,
    "block_id": lambda c, _: c.block_id,
    "visit_id": lambda c, _: c.visits[0],
    "client_id": lambda c, _: str(c.world.client_id),
    "staff_id": lambda c, _: str(c.world.staff_id),
    "template_id": lambda c, _: c.template_id,
    "request_id": lambda c, path: c.change_request_id if "change-requests" in path else c.service_request_id,
    "requested_visit_id": lambda c, _: c.requested_visit_id,
    "invoice_id": lambda c, _: c.invoice_id,
}
"""Each path parameter name → that company's id of the kind (the path tells a service request's
`request_id` from a change request's)."""

BODIES: dict[str, Callable[[Company], dict[str, Any]]] = {
    "AddService": lambda c: {"name": f"Sweep {uuid4().hex[:6]}", "duration_minutes": 30, "price_cents": 100,
                             "schedule_block_ids": [c.block_id]},
    "UpdateService": lambda c: {"name": f"Renamed {uuid4().hex[:6]}", "schedule_block_ids": [c.block_id]},
    "AddScheduleBlock": lambda c: {"title": f"Noon {uuid4().hex[:6]}", "starts": "12:00", "ends": "13:00",
                                   "weekdays": [1]},
    "UpdateScheduleBlock": lambda c: {"title": f"Renamed {uuid4().hex[:6]}"},
    "ScheduleVisit": lambda c: {"client_id": str(c.world.client_id), "pet_ids": [str(c.world.pets[0])],
                                "service_id": c.service_id, "visit_date": days_ahead(20), "start_time": "09:00",
                                "staff_id": str(c.world.staff_id), "override_conflicts": True},
    "MoveVisit": lambda c: {"visit_date": days_ahead(21), "start_time": "15:00", "override_conflicts": True},
    "ReassignVisit": lambda c: {"staff_id": str(c.world.staff_id), "override_conflicts": True},
    "UpdateVisit": lambda c: {"pet_ids": [str(p) for p in c.world.pets], "service_id": c.service_id},
    "BulkCancelVisits": lambda c: {"visit_ids": [c.visits[0]]},
    "CreateTemplate": lambda c: {"client_id": str(c.world.client_id), "pet_ids": [str(c.world.pets[0])],
                                 "service_id": c.service_id, "starts_on": days_ahead(40), "start_time": "17:00",
                                 "staff_id": str(c.world.staff_id),
                                 "repeat": {"frequency": "daily"}, "billing": {"frequency": "weekly"}},
    "ApprovePeriod": lambda c: {"period_start": c.period_start, "override_conflicts": True},
    "EndTemplate": lambda c: {},
    "RequestServices": lambda c: {"service_id": c.service_id, "schedule_block_id": c.block_id,
                                  "pet_ids": [str(c.world.pets[0])], "dates": [days_ahead(11)]},
    "RequestChange": lambda c: {"visit_id": c.visits[1], "new_date": days_ahead(12),
                                "new_schedule_block_id": c.block_id, "new_pet_ids": [str(c.world.pets[1])],
                                "new_service_id": c.service_id, "notes": "Tom too"},
    "RequestCancellation": lambda c: {"visit_ids": [c.visits[2]], "reason": "Away"},
    "DecideRequestedVisit": lambda c: {"decision": "approved", "staff_id": str(c.world.staff_id),
                                       "override_conflicts": True},
    "DecideChangeRequest": lambda c: {"decision": "approved", "override_conflicts": True},
    "SetCutoffs": lambda c: {"new_requests": {"kind": "hours_ahead", "hours": 1}},
    "CompleteVisit": lambda c: {"message_for_client": "All good"},
}
"""Each request body schema → a valid body made of that company's ids."""


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    roles: tuple[str, ...]
    path_params: tuple[str, ...]
    body_schema: str | None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, ids: dict[str, str], query: str = "") -> str:
        url = self.path
        for name, value in ids.items():
            url = url.replace("{" + name + "}", value)
        return url + query

    def body(self, company: Company) -> dict[str, Any] | None:
        if self.body_schema is None:
            return None
        assert self.body_schema in BODIES, (
            f"{self}: request body {self.body_schema!r} is unknown to the sweep; add a valid body to BODIES")
        return BODIES[self.body_schema](company)

    def ids_of(self, company: Company) -> dict[str, str]:
        unknown = [p for p in self.path_params if p not in PATH_IDS]
        assert not unknown, (f"{self}: path parameter(s) {unknown} are unknown to the tenant sweep; "
                             "teach PATH_IDS which id each one takes")
        return {p: PATH_IDS[p](company, self.path) for p in self.path_params}


def routes_of(service: Service) -> list[Route]:
    """Every operation of the app's OpenAPI document, with its `x-roles` (kit's `allow()`)."""
    found = []
    for path, operations in service.app.openapi()["paths"].items():
        for method, op in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            params = tuple(p["name"] for p in op.get("parameters", []) if p["in"] == "path")
            ref = (op.get("requestBody", {}).get("content", {}).get("application/json", {})
                   .get("schema", {}).get("$ref"))
            found.append(Route(method.upper(), path, tuple(op.get("x-roles") or ()), params,
                               ref.rsplit("/", 1)[-1] if ref else None))
    assert len(found) > 40, "the sweep should see every route of scheduling"
    return found


def feed_query(route: Route, company: Company) -> str:
    """A public calendar feed takes its address's token: that company's, for the route's kind."""
    if route.roles != ("public",):
        return ""
    return f"?token={company.staff_token if 'staff_id' in route.path_params else company.client_token}"


async def fingerprint(service: Service) -> dict[str, str]:
    """Every table's rows (outbox included) as one hash per table: equal means nothing changed."""
    tables = await service.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                               "AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version'")
    hashes = {}
    for (table,) in tables:
        [row] = await service.sql(f'SELECT md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) AS h '
                                  f'FROM "{table}" t')
        hashes[table] = row.h
    return hashes


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


def assert_error_shape(answer: Any, statuses: set[int], what: str) -> None:
    assert answer.status_code in statuses, f"{what}: {answer.status_code} {answer.text}"
    assert set(answer.json().get("error", {})) == ERROR_KEYS, f"{what}: not the one error shape: {answer.text}"


# ---- tenant isolation --------------------------------------------------------------------------

async def test_tenant_isolation_every_route_with_ids_answers_another_company_404_and_changes_nothing(
        service: Service) -> None:
    a, b = await make_company(service), await make_company(service)
    swept = 0
    for route in routes_of(service):
        if not route.path_params or route.path in UNTENANTED:
            continue
        ids_a, ids_b = route.ids_of(a), route.ids_of(b)
        callers: list[Identity | None] = [c for role, c in (("admin", b.admin), ("staff", b.staff),
                                                            ("client", b.client)) if role in route.roles]
        if route.roles == ("public",):
            callers = [None]
        assert callers, f"{route}: no caller of B may call it (roles {route.roles})"
        # Every mix of A's and B's ids with at least one of A's: A's visit under B's client, too.
        for pick in itertools.product((True, False), repeat=len(route.path_params)):
            if not any(pick):
                continue
            ids = {p: (ids_a if from_a else ids_b)[p] for p, from_a in zip(route.path_params, pick, strict=True)}
            for caller in callers:
                before = await fingerprint(service)
                answer = await service.call(caller, route.method, route.url(ids, feed_query(route, b)),
                                            json=route.body(b)) if caller else \
                    await service.http.request(route.method, route.url(ids, feed_query(route, b)))
                who = f"{route} as B's {caller.role.value if caller else 'calendar app'} with A's " \
                      f"{[p for p, from_a in zip(route.path_params, pick, strict=True) if from_a]}"
                assert_error_shape(answer, {403, 404}, who)
                assert MARKER not in answer.text, who
                assert changed(before, await fingerprint(service)) == [], f"{who} changed something"
                swept += 1
    assert swept > 30


async def test_tenant_isolation_another_company_s_ids_in_a_body_are_refused_and_change_nothing(
        service: Service) -> None:
    """Every route whose body carries ids (its body differs between companies), called by B with A's
    ids in the body (and B's in the path): a 4xx in the one shape, nothing changed."""
    a, b = await make_company(service), await make_company(service)
    swept = 0
    for route in routes_of(service):
        if route.body_schema is None:
            continue
        body_a, body_b = route.body(a), route.body(b)
        if _without_names(body_a) == _without_names(body_b):
            continue  # no ids in it
        callers = [c for role, c in (("admin", b.admin), ("staff", b.staff), ("client", b.client))
                   if role in route.roles]
        for caller in callers:
            before = await fingerprint(service)
            answer = await service.call(caller, route.method, route.url(route.ids_of(b)), json=route.body(a))
            who = f"{route} as B's {caller.role.value} with A's ids in the body"
            assert_error_shape(answer, {403, 404, 409, 422}, who)
            assert answer.json()["error"]["code"] != "validation_error", f"{who}: the body itself is invalid"
            assert changed(before, await fingerprint(service)) == [], f"{who} changed something"
            swept += 1
    assert swept >= 8


def _without_names(body: dict[str, Any] | None) -> dict[str, Any] | None:
    """The body without the fields made unique per call (names, titles)."""
    return None if body is None else {k: v for k, v in body.items() if k not in {"name", "title"}}


# ---- R-SCHED-3: the staff-only note never reaches a client ------------------------------------

async def test_r_sched_3_no_client_facing_answer_contains_the_staff_only_note(service: Service) -> None:
    a = await make_company(service)
    await make_company(service)  # another company's data around, as in production
    staff_view = await service.call(a.admin, "GET", f"/visits/{a.visits[0]}")
    assert MARKER in staff_view.text, "the note is stored and the business sees it"
    client_facing = [r for r in routes_of(service)
                     if "client" in r.roles or (r.roles == ("public",) and "staff_id" not in r.path_params)]
    assert {str(r) for r in client_facing} >= {"GET /portal/schedule", "GET /clients/{client_id}/visits",
                                               "GET /calendar/clients/{client_id}.ics"}
    for route in sorted(client_facing, key=lambda r: (r.method != "GET", r.path)):  # reads before changes
        url = route.url(route.ids_of(a), feed_query(route, a))
        if route.roles == ("public",):
            answer = await service.http.request(route.method, url)
        else:
            answer = await service.call(a.client, route.method, url, json=route.body(a))
        assert answer.status_code < 300, f"{route} as A's client on A's data: {answer.text}"
        assert MARKER not in answer.text and "staff_note" not in answer.text, f"{route} leaks the staff-only note"
    schedule = await service.call(a.client, "GET", "/portal/schedule")
    assert a.visits[0] in schedule.text, "the client's answers do carry the visits that have the note"


# ---- bad input (issue 10): one error shape, nothing changed -------------------------------------

async def test_r_sched_3_bad_input_gets_the_one_error_shape_and_changes_nothing(service: Service) -> None:
    a = await make_company(service)
    w = a.world
    visit = BODIES["ScheduleVisit"](a)
    ask = BODIES["RequestServices"](a)
    cases: list[tuple[str, Identity, str, str, dict[str, Any], int, str]] = [
        ("pets of another client (booking)", w.admin, "POST", "/visits",
         {**visit, "pet_ids": [str(w.other_pet)]}, 422, "pets_not_allowed"),
        ("pets of another client (portal request)", w.client, "POST", "/portal/service-requests",
         {**ask, "pet_ids": [str(w.other_pet)]}, 422, "pets_not_allowed"),
        ("pets of another client (template)", w.admin, "POST", "/templates",
         {**BODIES["CreateTemplate"](a), "pet_ids": [str(w.other_pet)]}, 422, "pets_not_allowed"),
        ("a client request for a visit in the past", w.client, "POST", "/portal/service-requests",
         {**ask, "dates": [days_ahead(-1)]}, 422, "visit_in_past"),
        ("a client change to a date in the past", w.client, "POST", "/portal/change-requests",
         {"visit_id": a.visits[1], "new_date": days_ahead(-1)}, 422, "visit_in_past"),
        ("an unknown block (booking)", w.admin, "POST", "/visits",
         {**visit, "start_time": None, "schedule_block_id": str(uuid4())}, 404, "schedule_block_not_found"),
        ("an unknown block (portal request)", w.client, "POST", "/portal/service-requests",
         {**ask, "schedule_block_id": str(uuid4())}, 404, "schedule_block_not_found"),
        ("an unknown block (service)", w.admin, "POST", "/services",
         {**BODIES["AddService"](a), "schedule_block_ids": [str(uuid4())]}, 404, "schedule_block_not_found"),
        ("end before start (new block)", w.admin, "POST", "/schedule-blocks",
         {"title": "Backwards", "starts": "11:00", "ends": "09:00", "weekdays": [1]}, 422, "invalid_schedule_block"),
        ("end before start (changed block)", w.admin, "PATCH", f"/schedule-blocks/{a.block_id}",
         {"ends": "06:00"}, 422, "invalid_schedule_block"),
    ]
    for what, who, method, path, body, status, code in cases:
        before, seq = await fingerprint(service), await service.last_seq()
        answer = await service.call(who, method, path, json=body)
        assert_error_shape(answer, {status}, what)
        assert answer.json()["error"]["code"] == code, f"{what}: {answer.text}"
        assert await service.outbox(since=seq) == [], f"{what}: wrote to the outbox"
        assert changed(before, await fingerprint(service)) == [], f"{what} changed something"
