"""What the sweeps know about facility's routes: each path parameter's id and each request body,
made of one company's data; the routes themselves come from the app's OpenAPI document (with the
`x-roles` of kit's `allow()`), so a route added later is swept without editing this file (an
unknown parameter or body fails with a message saying what to teach it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from ..conftest import Service
from .helpers import Facility, days_ahead

ERROR_KEYS = {"code", "message", "details"}
MY_TAGS = {"spaces", "services", "events", "client events"}
"""The routers of this service's core; other routers (the Client Hub's) are swept for roles only
here and by their own tests for the rest."""

PATH_IDS: dict[str, Callable[[Facility], str]] = {
    "space_id": lambda f: f.space_id,
    "service_id": lambda f: f.daycare_id,
    "event_id": lambda f: f.stay_event["id"],
    "client_id": lambda f: str(f.world.client_id),
}

BODIES: dict[str, Callable[[Facility], dict[str, Any]]] = {
    "AddSpace": lambda f: {"name": f"Sweep {uuid4().hex[:8]}", "capacity": 3},
    "UpdateSpace": lambda f: {"capacity": 6},
    "SetFacilitySettings": lambda f: {"capacity_is_hard_limit": False},
    "AddService": lambda f: {"name": f"Sweep add-on {uuid4().hex[:8]}", "kind": "add_on", "price_cents": 100,
                             "main_service_ids": [f.daycare_id]},
    "UpdateService": lambda f: {"price_cents": 3100, "space_ids": [f.space_id]},
    "ScheduleEvent": lambda f: {"client_id": str(f.world.client_id), "pet_ids": [str(f.world.pets[0])],
                                "service_id": f.daycare_id, "space_id": f.space_id, "starts_on": days_ahead(12),
                                "start_time": "09:00", "end_time": "12:00"},
    "UpdateEvent": lambda f: {"space_id": f.space_id, "pet_ids": [str(f.world.pets[1])]},
    "AddAddOn": lambda f: {"service_id": f.bath_id},
    "DuplicateEvent": lambda f: {"dates": [days_ahead(60)]},
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    roles: tuple[str, ...]
    tags: tuple[str, ...]
    path_params: tuple[str, ...]
    body_schema: str | None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def core(self) -> bool:
        return bool(set(self.tags) & MY_TAGS)

    def url(self, ids: dict[str, str]) -> str:
        url = self.path
        for name, value in ids.items():
            url = url.replace("{" + name + "}", value)
        return url

    def ids_of(self, facility: Facility) -> dict[str, str]:
        unknown = [p for p in self.path_params if p not in PATH_IDS]
        assert not unknown, f"{self}: path parameter(s) {unknown} unknown to the sweep; teach PATH_IDS"
        return {p: PATH_IDS[p](facility) for p in self.path_params}

    def body(self, facility: Facility) -> dict[str, Any] | None:
        if self.body_schema is None:
            return None
        assert self.body_schema in BODIES, f"{self}: request body {self.body_schema!r} unknown; add it to BODIES"
        return BODIES[self.body_schema](facility)


def without_names(body: dict[str, Any] | None) -> dict[str, Any] | None:
    """The body without the fields made unique per call (names): what differs between companies."""
    return None if body is None else {k: v for k, v in body.items() if k != "name"}


def routes_of(service: Service) -> list[Route]:
    """Every operation of the app's OpenAPI document but the probes."""
    found = []
    for path, operations in service.app.openapi()["paths"].items():
        for method, op in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"} or path in {"/health", "/ready"}:
                continue
            params = tuple(p["name"] for p in op.get("parameters", []) if p["in"] == "path")
            ref = (op.get("requestBody", {}).get("content", {}).get("application/json", {})
                   .get("schema", {}).get("$ref"))
            found.append(Route(method.upper(), path, tuple(op.get("x-roles") or ()), tuple(op.get("tags") or ()),
                               params, ref.rsplit("/", 1)[-1] if ref else None))
    return found


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
