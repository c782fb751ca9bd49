"""The invoice API on PostgreSQL, called as the gateway calls billing (R-INV-2..4, R-EMAIL-5,
R-NEVER-1): managers create and change invoices and read exact totals; every change is one
`billing.invoice.updated` v2 with the next revision; only "Email To Client" asks for an email."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from petcare_tools.testing.service import ServiceUnderTest

from .invoice_world import World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="session")
UPDATED, EMAIL = "billing.invoice.updated", "billing.invoice.email_requested"
ERROR_KEYS = {"code", "message", "details"}


def ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, f"{answer.request.method} {answer.request.url}: {answer.text}"
    body: dict[str, Any] = answer.json()
    return body


async def events(service: ServiceUnderTest, event_type: str, since: int = 0) -> list[dict[str, Any]]:
    return [e["data"] for e in await service.outbox("billing.events", since=since) if e["type"] == event_type]


async def new_invoice(service: ServiceUnderTest, world: World, client_id: Any = None) -> dict[str, Any]:
    return ok(await service.as_(world.admin).post(
        "/invoices", json={"client_id": str(client_id or world.client_id)}), 201)


async def test_r_inv_2_a_manager_builds_an_invoice_and_reads_exact_totals(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    ok(await admin.put("/settings", json={"tax_rate_percent": "8.875", "cancellation_fee_percent": "100",
                                          "due_date_basis": "on_first_service", "due_date_days": 0}))
    created = await new_invoice(service, world)
    assert created["status"] == "draft" and created["number"].startswith("INV-") and created["lines"] == []
    assert created["tax_rate_percent"] == "8.875" and created["due_date"] is None
    path = f"/invoices/{created['id']}"
    ok(await service.as_(world.office_manager).post(f"{path}/lines", json={
        "description": "Nail trim", "unit_cents": 2500, "taxable": True}), 201)
    ok(await admin.post(f"{path}/lines", json={"description": "Treats", "unit_cents": 1000, "quantity": 2}), 201)
    ok(await admin.put(f"{path}/discount", json={"percent": "10"}))
    invoice = ok(await admin.get(path))
    # 10 % of 45.00 is 4.50, spread 2.50 / 2.00 over the lines; tax 8.875 % of 22.50 = 1.996875 → 2.00.
    assert invoice["totals"] == {"subtotal_cents": 4500, "discount_cents": 450, "tax_cents": 200, "tips_cents": 0,
                                 "total_cents": 4250, "paid_cents": 0, "balance_cents": 4250,
                                 "credit_cents": 0}
    assert [(line["kind"], line["description"], line["amount_cents"], line["taxable"]) for line in invoice["lines"]] \
        == [("custom", "Nail trim", 2500, True), ("custom", "Treats", 2000, False)]
    assert invoice["discount"] == {"amount_cents": None, "percent": "10"}
    ok(await admin.put(f"{path}/discount", json={"amount_cents": 500}))
    assert ok(await admin.get(path))["totals"]["discount_cents"] == 500
    removed = ok(await admin.delete(f"{path}/discount"))
    assert removed["discount"] is None and removed["totals"]["total_cents"] == 4500 + 222  # 8.875 % of 25.00
    treats = invoice["lines"][1]["id"]
    after = ok(await admin.delete(f"{path}/lines/{treats}"))
    assert [line["description"] for line in after["lines"]] == ["Nail trim"]
    assert after["totals"]["total_cents"] == 2722


async def test_r_never_1_every_change_is_one_invoice_updated_v2_and_never_an_email_request(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    since = await service.last_seq()
    invoice = await new_invoice(service, world)
    path = f"/invoices/{invoice['id']}"
    line = ok(await admin.post(f"{path}/lines", json={"description": "Walk", "unit_cents": 2000}), 201)["lines"][0]
    ok(await admin.put(f"{path}/discount", json={"amount_cents": 100}))
    ok(await admin.delete(f"{path}/discount"))
    ok(await admin.delete(f"{path}/lines/{line['id']}"))
    ok(await admin.post(f"{path}/void"))
    updates = await events(service, UPDATED, since)
    assert [(u["revision"], u["status"], u["total_cents"]) for u in updates] == [
        (1, "draft", 0), (2, "draft", 2000), (3, "draft", 1900), (4, "draft", 2000), (5, "draft", 0), (6, "void", 0)]
    assert {u["invoice_id"] for u in updates} == {invoice["id"]}
    assert await events(service, EMAIL, since) == [], "R-NEVER-1: nothing but Email To Client asks for an email"


async def test_r_email_5_r_inv_4_email_to_client_asks_for_one_email_with_the_portal_link_and_marks_it_sent(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    invoice = await new_invoice(service, world)
    path = f"/invoices/{invoice['id']}"
    ok(await admin.post(f"{path}/lines", json={"description": "Walk", "unit_cents": 2500}), 201)
    since = await service.last_seq()
    sent = ok(await admin.post(f"{path}/email"))
    assert sent["status"] == "sent" and sent["sent"] is True
    [request] = await events(service, EMAIL, since)
    assert request["invoice_id"] == invoice["id"] and request["client_id"] == str(world.client_id)
    assert request["number"] == invoice["number"]
    assert (request["total_cents"], request["balance_cents"]) == (2500, 2500)
    assert request["invoice_url"] == f"http://localhost:5173/portal/invoices/{invoice['id']}"
    [update] = await events(service, UPDATED, since)
    assert update["status"] == "sent"
    assert ok(await admin.get(path))["status"] == "sent"
    # Pressed again: again one request (the business asked twice), still sent.
    ok(await admin.post(f"{path}/email"))
    assert len(await events(service, EMAIL, since)) == 2


async def test_r_inv_3_void_is_final_and_refuses_every_change(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    invoice = await new_invoice(service, world)
    path = f"/invoices/{invoice['id']}"
    line = ok(await admin.post(f"{path}/lines", json={"description": "Walk", "unit_cents": 2500}), 201)["lines"][0]
    assert ok(await admin.post(f"{path}/void"))["status"] == "void"
    since = await service.last_seq()
    for method, url, body in (("POST", f"{path}/lines", {"description": "More", "unit_cents": 1}),
                              ("DELETE", f"{path}/lines/{line['id']}", None),
                              ("PUT", f"{path}/discount", {"percent": "5"}), ("DELETE", f"{path}/discount", None),
                              ("POST", f"{path}/void", None), ("POST", f"{path}/email", None)):
        answer = await admin.request(method, url, json=body)
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "invoice_void", (method, url)
    assert await service.outbox(since=since) == [], "a refused change publishes nothing"
    assert ok(await admin.get(path))["status"] == "void"


async def test_r_inv_3_list_filters_by_client_and_status_and_pages(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    mine = [await new_invoice(service, world) for _ in range(3)]
    other = await new_invoice(service, world, world.other_client_id)
    ok(await admin.post(f"/invoices/{mine[0]['id']}/lines", json={"description": "Walk", "unit_cents": 100}), 201)
    ok(await admin.post(f"/invoices/{mine[0]['id']}/email"))
    await make_world(service)  # another company's invoices never show
    everything = ok(await admin.get("/invoices"))
    assert everything["total"] == 4 and [i["id"] for i in everything["items"]] == \
        [other["id"], mine[2]["id"], mine[1]["id"], mine[0]["id"]], "newest first"
    page = ok(await admin.get("/invoices", params={"client_id": str(world.client_id), "limit": 2, "offset": 1}))
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [i["id"] for i in page["items"]] == [mine[1]["id"], mine[0]["id"]]
    sent = ok(await admin.get("/invoices", params={"status": "sent"}))
    assert [(i["id"], i["status"]) for i in sent["items"]] == [(mine[0]["id"], "sent")]
    drafts = ok(await admin.get("/invoices", params={"status": "draft", "client_id": str(world.other_client_id)}))
    assert [i["id"] for i in drafts["items"]] == [other["id"]]
    for bad in ({"status": "pending"}, {"limit": 0}, {"limit": 201}, {"offset": -1}, {"client_id": "nope"}):
        answer = await admin.get("/invoices", params=bad)
        assert answer.status_code == 422 and set(answer.json()["error"]) == ERROR_KEYS, bad


async def test_creating_an_invoice_with_an_idempotency_key_twice_makes_one(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    key = {"Idempotency-Key": str(uuid4())}
    first = await admin.post("/invoices", json={"client_id": str(world.client_id)}, headers=key)
    again = await admin.post("/invoices", json={"client_id": str(world.client_id)}, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers.get("idempotent-replayed") == "true"
    assert ok(await admin.get("/invoices"))["total"] == 1
    reused = await admin.post("/invoices", json={"client_id": str(world.other_client_id)}, headers=key)
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "idempotency_key_reused"


async def test_an_invoice_for_an_unknown_or_another_company_s_client_is_refused(service: ServiceUnderTest) -> None:
    world, elsewhere = await make_world(service), await make_world(service)
    for client_id in (uuid4(), elsewhere.client_id, world.staff_id):
        answer = await service.as_(world.admin).post("/invoices", json={"client_id": str(client_id)})
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "client_not_found"
    assert ok(await service.as_(world.admin).get("/invoices"))["total"] == 0


async def test_r_inv_2_bad_input_is_a_422_in_the_one_shape_and_changes_nothing(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    invoice = await new_invoice(service, world)
    path = f"/invoices/{invoice['id']}"
    line = {"description": "Walk", "unit_cents": 2500}
    cases = [
        ("POST", f"{path}/lines", {**line, "unit_cents": -1}), ("POST", f"{path}/lines", {**line, "unit_cents": 1.5}),
        ("POST", f"{path}/lines", {**line, "description": "   "}), ("POST", f"{path}/lines", {**line, "quantity": 0}),
        ("POST", f"{path}/lines", {**line, "description": "x" * 201}), ("POST", f"{path}/lines", {**line, "x": 1}),
        ("POST", f"{path}/lines", {**line, "description": "Walk\u0000"}),
        ("PUT", f"{path}/discount", {}), ("PUT", f"{path}/discount", {"amount_cents": 100, "percent": "5"}),
        ("PUT", f"{path}/discount", {"percent": "100.5"}), ("PUT", f"{path}/discount", {"percent": "NaN"}),
        ("PUT", f"{path}/discount", {"amount_cents": -5}), ("PUT", f"{path}/discount", {"percent": "1.23456"}),
        ("POST", "/invoices", {}), ("POST", "/invoices", {"client_id": "not-a-uuid"}),
        ("GET", "/invoices/not-a-uuid", None),
    ]
    since = await service.last_seq()
    for method, url, body in cases:
        answer = await admin.request(method, url, json=body)
        assert answer.status_code == 422, (method, url, body, answer.text)
        assert set(answer.json()["error"]) == ERROR_KEYS, (method, url, body)
    assert await service.outbox(since=since) == []
    assert ok(await admin.get(path))["revision"] == 1


async def test_a_custom_line_is_removed_by_hand_but_an_unknown_one_is_not_found(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    invoice = await new_invoice(service, world)
    answer = await admin.delete(f"/invoices/{invoice['id']}/lines/{uuid4()}")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "invoice_line_not_found"
    answer = await admin.put(f"/invoices/{invoice['id']}/lines/{uuid4()}/cancellation-fee", json={"percent": "0"})
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "invoice_line_not_found"
    custom = ok(await admin.post(f"/invoices/{invoice['id']}/lines", json={"description": "Walk", "unit_cents": 1}),
                201)["lines"][0]
    answer = await admin.put(f"/invoices/{invoice['id']}/lines/{custom['id']}/cancellation-fee", json={"percent": "0"})
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "invoice_line_not_cancelled"
    for missing in (f"/invoices/{uuid4()}", f"/invoices/{uuid4()}/email"):
        answer = await admin.request("GET" if missing.count("/") == 2 else "POST", missing)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "invoice_not_found"


async def test_r_email_5_a_retried_email_to_client_with_its_idempotency_key_asks_for_one_email(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    invoice = await new_invoice(service, world)
    ok(await admin.post(f"/invoices/{invoice['id']}/lines", json={"description": "Walk", "unit_cents": 100}), 201)
    since = await service.last_seq()
    key = {"Idempotency-Key": f"email-{uuid4()}"}
    first = await admin.post(f"/invoices/{invoice['id']}/email", headers=key)
    again = await admin.post(f"/invoices/{invoice['id']}/email", headers=key)
    assert first.status_code == again.status_code == 200 and again.headers.get("idempotent-replayed") == "true"
    assert len(await events(service, EMAIL, since)) == 1
    assert [u["revision"] for u in await events(service, UPDATED, since)] == [3]
