"""The Client Hub's use cases on fakes (R-FAC-1, R-FAC-4, R-FAC-6, R-INV-1): what an action stores,
publishes on billing.commands and commits; billing's answers and states kept once, by revision."""

from __future__ import annotations

from uuid import uuid4

import pytest
from facility.domain.hub import HubInvoiceNotOpen, RequestPending, RequestState
from facility.service_layer import events, hub, hub_actions, hub_read_model
from facility.service_layer.events_commands import AddAddOn
from facility.service_layer.hub_ports import HubContext
from petcare_contracts.events.billing import CommandAnswered, InvoiceUpdatedV2

from .fakes_hub import FakeHub
from .test_use_cases import Company, company, stay  # noqa: F401 - the shared company fixture

pytestmark = pytest.mark.asyncio


def hub_context(c: Company) -> tuple[HubContext, FakeHub]:
    fake = FakeHub()
    return HubContext(c.uow, c.ctx.identity, hub=fake), fake


def invoice(c: Company, invoice_id: object, events_on: list[object], revision: int,
            status: str = "draft") -> InvoiceUpdatedV2:
    return InvoiceUpdatedV2.model_validate({
        "invoice_id": invoice_id, "client_id": c.client_id, "number": "INV-0007", "status": status,
        "total_cents": 1, "paid_cents": 0, "balance_cents": 1, "revision": revision,
        "facility_event_ids": events_on})


async def test_r_fac_4_an_invoice_is_asked_of_billing_with_the_event_and_its_add_ons_and_committed_once(
        company: Company) -> None:  # noqa: F811
    ctx, fake = hub_context(company)
    event = (await events.schedule_event(company.ctx, stay(company, 3, pets=2))).details.event
    await events.add_add_on(company.ctx, event.id, AddAddOn(service_id=company.bath_id))
    company.uow.commits, company.uow.published = 0, []
    assert [e.details.event.id for e in await hub.uninvoiced_events(ctx, company.client_id)] == [event.id]

    request = await hub_actions.invoice_event(ctx, event.id, None)
    [sent] = company.uow.events_of("billing.facility_invoice.requested")
    assert [(c["description"], c["price_cents"]) for c in sent["charges"]] == [
        ("Boarding, 2 nights (Rex, Rex)", 9000), ("Bath (Rex, Rex)", 1500)]
    assert request.state is RequestState.PENDING and company.uow.commits == 1
    with pytest.raises(RequestPending):
        await hub_actions.invoice_event(ctx, event.id, None)

    await hub_read_model.keep_answer(ctx, CommandAnswered(
        request_id=request.request_id, command="billing.facility_invoice.requested",
        client_id=company.client_id, outcome="done", invoice_id=(invoice_id := uuid4())))
    await hub_read_model.keep_invoice(ctx, invoice(company, invoice_id, [event.id], 2))
    await hub_read_model.keep_invoice(ctx, invoice(company, invoice_id, [], 1))  # late: ignored
    [invoiced] = await hub.invoiced_events(ctx, company.client_id)
    assert (invoiced.details.event.id, invoiced.invoice and invoiced.invoice.number) == (event.id, "INV-0007")
    assert fake.requests[request.request_id].state is RequestState.DONE


async def test_r_fac_4_no_move_onto_a_paid_invoice_and_nothing_is_published(company: Company) -> None:  # noqa: F811
    ctx, _ = hub_context(company)
    event = (await events.schedule_event(company.ctx, stay(company, 3))).details.event
    paid = uuid4()
    await hub_read_model.keep_invoice(ctx, invoice(company, paid, [], 1, status="paid"))
    company.uow.commits, company.uow.published = 0, []
    with pytest.raises(HubInvoiceNotOpen):
        await hub_actions.invoice_event(ctx, event.id, paid)
    assert company.uow.published == [] and company.uow.commits == 0
