"""R-INV-1 through the HTTP API on a real PostgreSQL: `scheduling.visit.scheduled` v2 in the outbox
for each way a visit is scheduled (by hand, an approved service request, an approved template
period), with the service, its price in cents and taxable flag, and the invoice chosen; the
invoice read model (billing.invoice.visits_changed) refusing another client's invoice."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from petcare_contracts.events.billing import InvoiceVisitsChanged
from scheduling.domain.invoice_choice import period_invoice_id, request_invoice_id

from ..conftest import Service, World, make_world
from .test_requests_api import ask_for, days_ahead, setup
from .test_templates_api import template_body
from .test_visits_api import booking, catalogue

SCHEDULED = "scheduling.visit.scheduled"


async def scheduled(service: Service) -> list[dict[str, Any]]:
    """The visit.scheduled envelopes in the outbox, oldest first."""
    return [e for e in await service.outbox("scheduling.events") if e["type"] == SCHEDULED]


async def known_invoice(service: Service, world: World, client_id: UUID) -> UUID:
    invoice_id = uuid4()
    await service.feed(InvoiceVisitsChanged(invoice_id=invoice_id, client_id=client_id, visit_ids=[], revision=1,
                                            number="INV-0042"), world.company_id)
    return invoice_id


async def test_r_inv_1_a_visit_booked_by_hand_carries_price_taxable_and_the_invoice_choice(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    assert (await service.call(world.admin, "PATCH", f"/services/{walk['id']}", json={"taxable": True})).status_code \
        == 200
    own = await known_invoice(service, world, world.client_id)

    for day, changes in (("2026-06-01", {}), ("2026-06-02", {"invoice_id": str(own)}),
                         ("2026-06-03", {"do_not_invoice": True})):
        answer = await service.call(world.admin, "POST", "/visits", json=booking(world, walk, visit_date=day,
                                                                                **changes))
        assert answer.status_code == 201, answer.text

    events = await scheduled(service)
    assert [e["version"] for e in events] == [2, 2, 2]
    assert {(e["data"]["service_id"], e["data"]["price_cents"], e["data"]["taxable"]) for e in events} \
        == {(walk["id"], 2500, True)}
    new, picked, none = (e["data"]["invoice_id"] for e in events)
    assert UUID(new) != own and (picked, none) == (str(own), None)


async def test_r_inv_1_another_clients_invoice_is_refused_and_two_choices_are_bad_input(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    theirs = await known_invoice(service, world, world.other_client_id)

    refused = await service.call(world.admin, "POST", "/visits", json=booking(world, walk, invoice_id=str(theirs)))
    both = await service.call(world.admin, "POST", "/visits",
                              json=booking(world, walk, invoice_id=str(uuid4()), do_not_invoice=True))

    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invoice_of_another_client")
    assert (both.status_code, both.json()["error"]["code"]) == (422, "validation_error")
    assert (await service.sql("SELECT count(*) AS n FROM visits"))[0].n == 0 and await scheduled(service) == []


async def test_r_inv_1_a_service_requests_approved_visits_share_one_new_invoice(service: Service) -> None:
    world, block, walk = await setup(service)
    request = (await service.call(world.client, "POST", "/portal/service-requests",
                                  json=ask_for(world, block, walk, days_ahead(3), days_ahead(4)))).json()
    for requested in request["visits"]:
        answer = await service.call(world.admin, "POST",
                                    f"/service-requests/{request['id']}/visits/{requested['id']}/decision",
                                    json={"decision": "approved"})
        assert answer.status_code == 200, answer.text

    events = await scheduled(service)
    assert [e["version"] for e in events] == [2, 2]
    assert [(e["data"]["service_id"], e["data"]["price_cents"], e["data"]["taxable"]) for e in events] \
        == [(walk["id"], 2500, False)] * 2
    assert [e["data"]["invoice_id"] for e in events] == [str(request_invoice_id(UUID(request["id"])))] * 2


async def test_r_inv_1_an_approved_template_periods_visits_share_one_new_invoice(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    template = (await service.call(world.admin, "POST", "/templates", json=template_body(world, walk))).json()
    period_start = template["starts_on"]

    approved = await service.call(world.admin, "POST", f"/templates/{template['id']}/approvals",
                                  json={"period_start": period_start})

    assert approved.status_code == 201, approved.text
    events = await scheduled(service)
    assert [e["data"]["visit_id"] for e in events] == [v["id"] for v in approved.json()["visits"]]
    assert [e["version"] for e in events] == [2, 2]
    assert {(e["data"]["price_cents"], e["data"]["taxable"]) for e in events} == {(2500, False)}
    assert {e["data"]["invoice_id"] for e in events} \
        == {str(period_invoice_id(UUID(template["id"]), date.fromisoformat(period_start)))}
