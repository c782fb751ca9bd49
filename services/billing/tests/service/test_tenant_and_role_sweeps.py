"""Sweeps over every route of billing's OpenAPI document, on PostgreSQL and the Stripe sandbox
(localstripe), with two companies holding a full set of billing data each (an invoice with a line, a
saved card and a payment, a package, a client's package with a redemption, for two clients each):

- tenant isolation: each route with ids in its path, called by company B's people with company A's
  ids (every mix with at least one of A's), answers 404 (or 403) in the one error shape and changes
  nothing (every table and the outbox read back the same); bodies naming A's ids are refused too;
- roles: each route called by every role its `x-roles` leaves out (staff have no billing access; a
  client cannot call a manager's route; a manager cannot call a client's portal route; an office
  manager cannot choose the plan) answers 403 `role_not_allowed` and changes nothing;
- a client on another client's ids (same company) gets 404, with none of that client's data;
- bad input (an id that is no UUID, a body of the wrong shape or with NUL) is a 4xx in the one shape.

The routes come from `app.openapi()`, so a route added later is swept without editing this file; an
unknown path parameter or request body fails the sweep with a message saying what to teach it."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from billing.spec import SPEC
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.local_today import local_today
from petcare_tools.testing.service import ServiceUnderTest, serve_in_process

from .invoice_world import World, make_world
from .test_invoices_api import ok

pytestmark = pytest.mark.asyncio(loop_scope="session")
NY = ZoneInfo("America/New_York")
ERROR_KEYS = {"code", "message", "details"}
UNTENANTED = {"/health", "/ready"}
FREE_PARAMS = {"service_id", "month"}
"""Path parameters that name nothing billing keeps per company: a scheduling service's id (billing
keeps no catalogue; a rate for it is stored under the caller's own client) and a calendar month."""


@pytest_asyncio.fixture(loop_scope="session")
async def billing(database_url: str, kafka_bootstrap_servers: str,
                  stripe_sandbox: str) -> AsyncIterator[ServiceUnderTest]:
    async with serve_in_process(SPEC, database_url, kafka_bootstrap_servers,
                                stripe_api_base=stripe_sandbox) as service:
        yield service


@dataclass(frozen=True)
class ClientData:
    """What one client has (ids as strings)."""

    client_id: str
    invoice_id: str
    line_id: str
    card_id: str
    payment_id: str
    client_package_id: str
    item_id: str


@dataclass(frozen=True)
class Company:
    world: World
    package_id: str
    service_id: str
    clients: tuple[ClientData, ClientData]
    """[0] the world's client, [1] the other client."""

    @property
    def mine(self) -> ClientData:
        return self.clients[0]

    def caller(self, role: str) -> Identity:
        return {"admin": self.world.admin, "office_manager": self.world.office_manager,
                "staff": self.world.staff, "client": self.world.client}[role]

    @property
    def other_client(self) -> Identity:
        return Identity(Role.CLIENT, person_id=self.world.other_client_id, company_id=self.world.company_id)


def this_month() -> str:
    return local_today().strftime("%Y-%m")


def today() -> str:
    return local_today().isoformat()


async def client_data(service: ServiceUnderTest, world: World, client_id: UUID, package_id: str,
                      service_id: str) -> ClientData:
    admin = service.as_(world.admin)
    invoice = ok(await admin.post("/invoices", json={"client_id": str(client_id)}), 201)
    path = f"/invoices/{invoice['id']}"
    line = ok(await admin.post(f"{path}/lines", json={"description": "Walk", "unit_cents": 5000}), 201)["lines"][0]
    ok(await admin.post(f"{path}/email"))
    card = ok(await admin.post(f"/clients/{client_id}/cards", json={"payment_method_id": "pm_card_visa"}), 201)
    payment = ok(await admin.post(f"/clients/{client_id}/payments", json={
        "card_id": card["id"], "invoices": [{"invoice_id": invoice["id"], "amount_cents": 1000}]}), 201)
    owned = ok(await admin.post(f"/clients/{client_id}/packages", json={"package_id": package_id}), 201)
    item_id = str(uuid4())
    ok(await admin.post(f"/client-packages/{owned['id']}/redemptions", json={
        "kind": "visit", "id": item_id, "service_id": service_id, "date": today()}), 201)
    return ClientData(str(client_id), invoice["id"], line["id"], card["id"], payment["id"], owned["id"], item_id)


async def make_company(service: ServiceUnderTest) -> Company:
    world = await make_world(service)
    service_id = str(uuid4())
    package = ok(await service.as_(world.admin).post("/packages", json={
        "name": "Ten walks", "services": [{"service_id": service_id, "count": 10}], "discount_percent": "10"}), 201)
    clients = [await client_data(service, world, client_id, package["id"], service_id)
               for client_id in (world.client_id, world.other_client_id)]
    return Company(world, package["id"], service_id, (clients[0], clients[1]))


# ---- what the sweeps know about the routes ---------------------------------------------------

PATH_IDS: dict[str, Callable[[Company, ClientData], str]] = {
    "client_id": lambda c, d: d.client_id,
    "invoice_id": lambda c, d: d.invoice_id,
    "line_id": lambda c, d: d.line_id,
    "card_id": lambda c, d: d.card_id,
    "payment_id": lambda c, d: d.payment_id,
    "client_package_id": lambda c, d: d.client_package_id,
    "item_id": lambda c, d: d.item_id,
    "package_id": lambda c, d: c.package_id,
    "service_id": lambda c, d: c.service_id,
    "month": lambda c, d: this_month(),
}
"""Each path parameter name → that company's (and that client's) id of the kind."""

BODIES: dict[str, Callable[[Company, ClientData], dict[str, Any]]] = {
    "CreateInvoice": lambda c, d: {"client_id": d.client_id},
    "AddCustomLine": lambda c, d: {"description": "Sweep", "unit_cents": 100},
    "SetDiscount": lambda c, d: {"amount_cents": 1},
    "SetCancellationFee": lambda c, d: {"percent": "0"},
    "SaveCard": lambda c, d: {"payment_method_id": "pm_card_visa"},
    "PayInvoices": lambda c, d: {"card_id": d.card_id, "invoices": [{"invoice_id": d.invoice_id,
                                                                      "amount_cents": 100}]},
    "RefundPayment": lambda c, d: {"amount_cents": 1},
    "DefinePackage": lambda c, d: {"name": f"Sweep {uuid4().hex[:6]}",
                                   "services": [{"service_id": c.service_id, "count": 1}], "discount_percent": "5"},
    "UpdatePackage": lambda c, d: {"name": f"Renamed {uuid4().hex[:6]}"},
    "AddClientPackage": lambda c, d: {"package_id": c.package_id},
    "Redeem": lambda c, d: {"kind": "visit", "id": str(uuid4()), "service_id": c.service_id, "date": today()},
    "ChoosePlan": lambda c, d: {"plan": "solo"},
    "PutBillingSettings": lambda c, d: {"tax_rate_percent": "5", "cancellation_fee_percent": "50",
                                        "due_date_basis": "on_first_service", "due_date_days": 0},
    "SetClientTaxRate": lambda c, d: {"tax_rate_percent": "1"},
    "SetClientRate": lambda c, d: {"rate_cents": 100},
}
"""Each request body schema → a valid body made of that company's (and client's) ids."""

BODIES_WITH_IDS = {"CreateInvoice", "PayInvoices", "AddClientPackage"}
"""The bodies naming something billing keeps per company (the others name none, or only FREE ones)."""


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    roles: tuple[str, ...]
    path_params: tuple[str, ...]
    body_schema: str | None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def tenant_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.path_params if p not in FREE_PARAMS)

    def url(self, ids: dict[str, str]) -> str:
        url = self.path
        for name, value in ids.items():
            url = url.replace("{" + name + "}", value)
        return url

    def body(self, company: Company, data: ClientData | None = None) -> dict[str, Any] | None:
        if self.body_schema is None:
            return None
        assert self.body_schema in BODIES, (
            f"{self}: request body {self.body_schema!r} is unknown to the sweep; add a valid body to BODIES")
        return BODIES[self.body_schema](company, data or company.mine)

    def ids_of(self, company: Company, data: ClientData | None = None) -> dict[str, str]:
        unknown = [p for p in self.path_params if p not in PATH_IDS]
        assert not unknown, (f"{self}: path parameter(s) {unknown} are unknown to the sweep; "
                             "teach PATH_IDS which id each one takes")
        return {p: PATH_IDS[p](company, data or company.mine) for p in self.path_params}


def routes_of(service: ServiceUnderTest) -> list[Route]:
    """Every operation of the app's OpenAPI document, with its `x-roles` (kit's `allow()`)."""
    found = []
    for path, operations in service.app.openapi()["paths"].items():
        for method, op in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"} or path in UNTENANTED:
                continue
            params = tuple(p["name"] for p in op.get("parameters", []) if p["in"] == "path")
            ref = (op.get("requestBody", {}).get("content", {}).get("application/json", {})
                   .get("schema", {}).get("$ref"))
            roles = tuple(op.get("x-roles") or ())
            assert roles and "public" not in roles, f"{method.upper()} {path}: billing has no public route"
            found.append(Route(method.upper(), path, roles, params, ref.rsplit("/", 1)[-1] if ref else None))
    assert len(found) > 30, "the sweep should see every route of billing"
    return found


async def fingerprint(service: ServiceUnderTest) -> dict[str, str]:
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


def leaked(company: Company, text: str, *, asked: str, of: ClientData | None = None) -> list[str]:
    """The company's (or one client's) ids in an answer that the request did not carry itself (an
    error may name the id it was asked about; it must name nothing else)."""
    data = [of] if of else list(company.clients)
    values = {company.package_id, *(v for d in data for v in vars(d).values())}
    return sorted(v for v in values if v in text and v not in asked)


def assert_error_shape(answer: Any, statuses: set[int], what: str) -> None:
    assert answer.status_code in statuses, f"{what}: {answer.status_code} {answer.text}"
    assert set(answer.json().get("error", {})) == ERROR_KEYS, f"{what}: not the one error shape: {answer.text}"


async def refused_and_unchanged(service: ServiceUnderTest, caller: Identity, route: Route, url: str,
                                body: dict[str, Any] | None, statuses: set[int], what: str) -> Any:
    before = await fingerprint(service)
    answer = await service.as_(caller).request(route.method, url, json=body)
    assert_error_shape(answer, statuses, what)
    assert changed(before, await fingerprint(service)) == [], f"{what} changed something"
    return answer


# ---- tenant isolation --------------------------------------------------------------------------

async def test_tenant_isolation_every_billing_route_with_ids_answers_another_company_404_and_changes_nothing(
        billing: ServiceUnderTest) -> None:
    a, b = await make_company(billing), await make_company(billing)
    swept = 0
    for route in routes_of(billing):
        if not route.tenant_params:
            continue
        ids_a, ids_b = route.ids_of(a), route.ids_of(b)
        for pick in itertools.product((True, False), repeat=len(route.tenant_params)):
            if not any(pick):
                continue
            chosen = dict(zip(route.tenant_params, pick, strict=True))
            ids = {p: (ids_a if chosen.get(p) else ids_b)[p] for p in route.path_params}
            for role in route.roles:
                who = f"{route} as B's {role} with A's {[p for p, from_a in chosen.items() if from_a]}"
                url, body = route.url(ids), route.body(b)
                answer = await refused_and_unchanged(billing, b.caller(role), route, url, body, {403, 404}, who)
                assert not leaked(a, answer.text, asked=url + str(body)), who
                swept += 1
    assert swept > 40


async def test_tenant_isolation_another_company_s_ids_in_a_body_are_refused_and_change_nothing(
        billing: ServiceUnderTest) -> None:
    a, b = await make_company(billing), await make_company(billing)
    swept = 0
    bodies_seen = set()
    for route in routes_of(billing):
        if route.body_schema not in BODIES_WITH_IDS:
            continue
        bodies_seen.add(route.body_schema)
        for role in route.roles:
            who = f"{route} as B's {role} with A's ids in the body"
            answer = await refused_and_unchanged(billing, b.caller(role), route, route.url(route.ids_of(b)),
                                                 route.body(a), {403, 404, 409, 422}, who)
            assert answer.json()["error"]["code"] != "validation_error", f"{who}: the body itself is invalid"
            swept += 1
    assert bodies_seen == BODIES_WITH_IDS and swept >= 4


# ---- roles ------------------------------------------------------------------------------------

async def test_every_billing_route_refuses_the_roles_it_does_not_allow_and_staff_have_no_billing_access(
        billing: ServiceUnderTest) -> None:
    a = await make_company(billing)
    routes = routes_of(billing)
    assert all("staff" not in r.roles for r in routes), "staff have no billing access"
    swept = 0
    for route in routes:
        for role in ("admin", "office_manager", "staff", "client"):
            if role in route.roles:
                continue
            who = f"{route} as {role}"
            answer = await refused_and_unchanged(billing, a.caller(role), route, route.url(route.ids_of(a)),
                                                 route.body(a), {403}, who)
            assert answer.json()["error"]["code"] == "role_not_allowed", who
            swept += 1
    assert swept > 60


async def test_a_client_on_another_client_s_ids_gets_404_and_none_of_their_data(billing: ServiceUnderTest) -> None:
    a = await make_company(billing)
    theirs = a.clients[1]
    client_routes = [r for r in routes_of(billing) if "client" in r.roles and r.tenant_params]
    assert {str(r) for r in client_routes} >= {"GET /portal/invoices/{invoice_id}", "GET /portal/payments/{payment_id}",
                                               "DELETE /portal/cards/{card_id}"}
    for route in client_routes:
        who = f"{route} as A's client with the other client's ids"
        url = route.url(route.ids_of(a, theirs))
        answer = await refused_and_unchanged(billing, a.world.client, route, url, route.body(a), {403, 404}, who)
        assert not leaked(a, answer.text, asked=url + str(route.body(a)), of=theirs), who
    for route in (r for r in routes_of(billing) if r.roles == ("client",) and not r.tenant_params
                  and r.method == "GET"):
        answer = await billing.as_(a.world.client).get(route.path)
        assert answer.status_code == 200, f"{route}: {answer.text}"
        for value in (theirs.invoice_id, theirs.card_id, theirs.payment_id, theirs.client_package_id):
            assert value not in answer.text, f"{route} shows the other client's data"


# ---- bad input --------------------------------------------------------------------------------

async def test_bad_input_on_every_billing_route_is_a_4xx_in_the_one_shape_and_changes_nothing(
        billing: ServiceUnderTest) -> None:
    a = await make_company(billing)
    swept = 0
    for route in routes_of(billing):
        role = route.roles[0]
        ids = route.ids_of(a)
        for param in route.path_params:
            bad = route.url({**ids, param: "not-an-id"})
            await refused_and_unchanged(billing, a.caller(role), route, bad, route.body(a), {404, 422},
                                        f"{route} with {param}=not-an-id")
            swept += 1
        if route.body_schema is not None:
            for body in ({"unexpected": "field"}, {**(route.body(a) or {}), "extra": "\u0000"}, []):
                await refused_and_unchanged(billing, a.caller(role), route, route.url(ids), body,  # type: ignore[arg-type]
                                            {422}, f"{route} with body {body!r}")
                swept += 1
    assert swept > 40
