"""Who sees which invoice (R-INV-4, R-PAY-1's portal): a client reads only their own invoices that
were sent to them, never a draft and never another client's or company's (404, the same answer as an
unknown id); staff have no billing access; managers do not use the portal routes."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from petcare_tools.testing.service import ServiceUnderTest

from .invoice_world import World, make_world
from .test_invoices_api import new_invoice, ok

pytestmark = pytest.mark.asyncio(loop_scope="session")
CLIENT_INVOICE_FIELDS = {"id", "number", "status", "due_date", "tax_rate_percent", "lines", "totals"}
CLIENT_LINE_FIELDS = {"id", "description", "unit_cents", "quantity", "amount_cents", "net_cents", "taxable",
                      "visit_date", "cancelled"}


async def sent_invoice(service: ServiceUnderTest, world: World, client_id: Any = None,
                       cents: int = 2500) -> dict[str, Any]:
    invoice = await new_invoice(service, world, client_id)
    admin = service.as_(world.admin)
    ok(await admin.post(f"/invoices/{invoice['id']}/lines", json={"description": "Walk", "unit_cents": cents}), 201)
    return ok(await admin.post(f"/invoices/{invoice['id']}/email"))


async def test_r_inv_4_a_client_sees_only_their_own_sent_invoices_never_a_draft(service: ServiceUnderTest) -> None:
    world, elsewhere = await make_world(service), await make_world(service)
    mine = await sent_invoice(service, world)
    draft = await new_invoice(service, world)
    others = await sent_invoice(service, world, world.other_client_id)
    foreign = await sent_invoice(service, elsewhere)
    client = service.as_(world.client)
    listed = ok(await client.get("/portal/invoices"))
    assert [(i["id"], i["status"], i["balance_cents"]) for i in listed["items"]] == [(mine["id"], "sent", 2500)]
    assert listed["total"] == 1 and "client_id" not in listed["items"][0]
    own = ok(await client.get(f"/portal/invoices/{mine['id']}"))
    assert set(own) == CLIENT_INVOICE_FIELDS and set(own["lines"][0]) == CLIENT_LINE_FIELDS
    assert own["totals"]["total_cents"] == 2500 and own["number"] == mine["number"]
    for hidden in (draft, others, foreign, {"id": str(uuid4())}):
        answer = await client.get(f"/portal/invoices/{hidden['id']}")
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "invoice_not_found", hidden
        assert str(world.other_client_id) not in answer.text and "Grace" not in answer.text
    # Once emailed, the draft shows up too (an empty one is never emailed: 409 invoice_empty).
    empty = await service.as_(world.admin).post(f"/invoices/{draft['id']}/email")
    assert empty.status_code == 409 and empty.json()["error"]["code"] == "invoice_empty"
    ok(await service.as_(world.admin).post(f"/invoices/{draft['id']}/lines",
                                           json={"description": "Walk", "unit_cents": 100}), 201)
    ok(await service.as_(world.admin).post(f"/invoices/{draft['id']}/email"))
    assert {i["id"] for i in ok(await client.get("/portal/invoices"))["items"]} == {mine["id"], draft["id"]}


async def test_r_inv_4_the_portal_list_pages_over_the_sent_invoices_only(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    sent = [await sent_invoice(service, world, cents=100 * (n + 1)) for n in range(3)]
    await new_invoice(service, world)  # a draft, newest of all
    page = ok(await service.as_(world.client).get("/portal/invoices", params={"limit": 2, "offset": 1}))
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [i["id"] for i in page["items"]] == [sent[1]["id"], sent[0]["id"]]


async def test_staff_have_no_billing_access_and_managers_do_not_use_the_portal_routes(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    invoice = await sent_invoice(service, world)
    path = f"/invoices/{invoice['id']}"
    line = invoice["lines"][0]["id"]
    manager_routes = [("GET", "/invoices", None), ("POST", "/invoices", {"client_id": str(world.client_id)}),
                      ("GET", path, None), ("POST", f"{path}/lines", {"description": "x", "unit_cents": 1}),
                      ("DELETE", f"{path}/lines/{line}", None), ("PUT", f"{path}/discount", {"percent": "5"}),
                      ("DELETE", f"{path}/discount", None),
                      ("PUT", f"{path}/lines/{line}/cancellation-fee", {"percent": "0"}),
                      ("POST", f"{path}/void", None), ("POST", f"{path}/email", None)]
    portal_routes = [("GET", "/portal/invoices", None), ("GET", f"/portal{path}", None)]
    since = await service.last_seq()
    refused = ([(world.staff, r) for r in manager_routes + portal_routes]
               + [(world.client, r) for r in manager_routes]
               + [(who, r) for who in (world.admin, world.office_manager) for r in portal_routes])
    for who, (method, url, body) in refused:
        answer = await service.as_(who).request(method, url, json=body)
        assert answer.status_code == 403, (who.role, method, url, answer.text)
        assert answer.json()["error"]["code"] == "role_not_allowed"
    assert await service.outbox(since=since) == []
    anonymous = await service.as_(None).get("/invoices")
    assert anonymous.status_code == 401
