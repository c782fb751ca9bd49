"""Company billing settings and a client's own tax rate and rates through the HTTP API on PostgreSQL
(R-INV-2, R-INV-3): defaults, managers only, another company's client is not found, bad input 422."""

from __future__ import annotations

from uuid import uuid4

import pytest
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.service import ServiceUnderTest

from .invoice_world import make_world

pytestmark = pytest.mark.asyncio(loop_scope="session")
SETTINGS = {"tax_rate_percent": "8.875", "cancellation_fee_percent": "50", "due_date_basis": "days_after_last_service",
            "due_date_days": 15}


async def test_r_inv_2_r_inv_3_settings_default_then_saved_by_a_manager(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    assert (await admin.get("/settings")).json() == {
        "tax_rate_percent": "0", "cancellation_fee_percent": "100", "due_date_basis": "on_first_service",
        "due_date_days": 0}
    saved = await service.as_(world.office_manager).put("/settings", json=SETTINGS)
    assert saved.status_code == 200, saved.text
    assert (await admin.get("/settings")).json() == SETTINGS
    for bad in ({**SETTINGS, "tax_rate_percent": "100.5"}, {**SETTINGS, "cancellation_fee_percent": -1},
                {**SETTINGS, "due_date_basis": "whenever"}, {**SETTINGS, "due_date_days": -2},
                {**SETTINGS, "extra": 1}, {k: v for k, v in SETTINGS.items() if k != "tax_rate_percent"},
                {**SETTINGS, "tax_rate_percent": "NaN"}, {**SETTINGS, "tax_rate_percent": "1.23456"},
                # numeric text is ASCII digits only: an Arabic-Indic or full-width five, underscores
                {**SETTINGS, "tax_rate_percent": "\u0665"}, {**SETTINGS, "tax_rate_percent": "\uff15"},
                {**SETTINGS, "cancellation_fee_percent": "1_0"}, {**SETTINGS, "due_date_days": "\u0665"}):
        answer = await admin.put("/settings", json=bad)
        assert answer.status_code == 422, bad
        assert set(answer.json()["error"]) == {"code", "message", "details"}
    assert (await admin.get("/settings")).json() == SETTINGS


async def test_r_inv_2_a_client_own_tax_rate_and_rates(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    walk, trim = uuid4(), uuid4()
    base = f"/clients/{world.client_id}"
    assert (await admin.get(f"{base}/billing")).json() == {
        "client_id": str(world.client_id), "tax_rate_percent": None, "rates": []}
    assert (await admin.put(f"{base}/tax-rate", json={"tax_rate_percent": "0"})).json()["tax_rate_percent"] == "0"
    await admin.put(f"{base}/rates/{walk}", json={"rate_cents": 2_000})
    answer = await admin.put(f"{base}/rates/{trim}", json={"rate_cents": 0})
    assert sorted((r["service_id"], r["rate_cents"]) for r in answer.json()["rates"]) == sorted(
        [(str(walk), 2_000), (str(trim), 0)])
    assert (await admin.delete(f"{base}/rates/{trim}")).status_code == 204
    gone = await admin.delete(f"{base}/rates/{trim}")
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "client_rate_not_found")
    back = await admin.put(f"{base}/tax-rate", json={"tax_rate_percent": None})
    assert back.json() == {"client_id": str(world.client_id), "tax_rate_percent": None,
                           "rates": [{"service_id": str(walk), "rate_cents": 2_000}]}
    for bad in ({"rate_cents": -1}, {"rate_cents": 1.5}, {"rate_cents": "ten"}, {}):
        assert (await admin.put(f"{base}/rates/{walk}", json=bad)).status_code == 422, bad


async def test_r_inv_2_settings_are_for_managers_and_clients_of_the_company_only(service: ServiceUnderTest) -> None:
    world, elsewhere = await make_world(service), await make_world(service)
    admin = service.as_(world.admin)
    for identity in (world.staff, world.client):
        caller = service.as_(identity)
        assert (await caller.get("/settings")).status_code == 403
        assert (await caller.put("/settings", json=SETTINGS)).status_code == 403
        assert (await caller.put(f"/clients/{world.client_id}/rates/{uuid4()}", json={"rate_cents": 1})
                ).status_code == 403
    assert (await service.as_(None).get("/settings")).status_code == 401
    for method, path, body in (("GET", "/billing", None), ("PUT", "/tax-rate", {"tax_rate_percent": "1"}),
                               ("PUT", f"/rates/{uuid4()}", {"rate_cents": 1}), ("DELETE", f"/rates/{uuid4()}", None)):
        for client_id in (elsewhere.client_id, world.staff_id, uuid4()):
            answer = await admin.request(method, f"/clients/{client_id}{path}", json=body)
            assert (answer.status_code, answer.json()["error"]["code"]) == (404, "client_not_found"), (method, path)
    # the other company's client is unchanged
    theirs = await service.as_(elsewhere.admin).get(f"/clients/{elsewhere.client_id}/billing")
    assert theirs.json()["tax_rate_percent"] is None and theirs.json()["rates"] == []
    assert Identity(Role.ADMIN, company_id=world.company_id).is_manager
