"""R-INV-1 on scheduling's side, on fakes: every way a visit is scheduled (by hand, an approved
template period) publishes `scheduling.visit.scheduled` v2 with the service's id, price in cents and
taxable flag at scheduling time and the invoice chosen: the picked open invoice, none, or a new one
(shared by a period's visits, the same id however often the approval is retried). An approved
service request's visits: tests/service/test_visit_scheduled_v2_api.py."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError
from scheduling.domain.invoice_choice import InvoiceOfAnotherClient, period_invoice_id, request_invoice_id
from scheduling.domain.invoices import InvoiceVisits
from scheduling.service_layer import templates, visits
from scheduling.service_layer.templates_commands import ApprovePeriod

from .fakes import FakeUnitOfWork
from .test_template_use_cases import World
from .test_template_use_cases import world as world
from .test_visit_use_cases import Company
from .test_visit_use_cases import co as co
from .test_visit_use_cases import uow as uow

SCHEDULED = "scheduling.visit.scheduled"


def known_invoice(co: Company, client_id: UUID) -> UUID:
    """An invoice of `client_id` as billing.invoice.visits_changed told scheduling about it."""
    invoice_id = uuid4()
    co.uow.invoices.rows[(co.id, invoice_id)] = InvoiceVisits(co.id, invoice_id, client_id, (), 1, "INV-0001")
    return invoice_id


async def test_r_inv_1_a_visit_booked_by_hand_carries_price_taxable_and_a_new_invoice(co: Company,
                                                                                    uow: FakeUnitOfWork) -> None:
    first = await visits.schedule_visit(co.ctx, co.visit())
    second = await visits.schedule_visit(co.ctx, co.visit(visit_date=date(2026, 6, 2)))

    assert uow.versions(SCHEDULED) == [2, 2]
    one, two = uow.events(SCHEDULED)
    assert (one["visit_id"], one["service_id"], one["price_cents"], one["taxable"]) == (
        str(first.id), str(co.walk.id), 2500, False)
    assert one["invoice_id"] is not None and two["visit_id"] == str(second.id)
    assert one["invoice_id"] != two["invoice_id"], "neither picked: each booking opens a new invoice"


async def test_r_inv_1_the_price_and_taxable_flag_are_the_services_at_scheduling_time(co: Company,
                                                                                    uow: FakeUnitOfWork) -> None:
    await visits.schedule_visit(co.ctx, co.visit())
    uow.services.rows[co.walk.id] = co.walk.changed(price_cents=3150, taxable=True)
    await visits.schedule_visit(co.ctx, co.visit(visit_date=date(2026, 6, 2)))

    assert [(e["price_cents"], e["taxable"]) for e in uow.events(SCHEDULED)] == [(2500, False), (3150, True)]


async def test_r_inv_1_the_schedulers_pick_goes_on_and_do_not_invoice_says_none(co: Company,
                                                                              uow: FakeUnitOfWork) -> None:
    own = known_invoice(co, co.client)
    not_heard_of = uuid4()

    await visits.schedule_visit(co.ctx, co.visit(invoice_id=own))
    await visits.schedule_visit(co.ctx, co.visit(invoice_id=not_heard_of, visit_date=date(2026, 6, 2)))
    await visits.schedule_visit(co.ctx, co.visit(do_not_invoice=True, visit_date=date(2026, 6, 3)))

    assert [e["invoice_id"] for e in uow.events(SCHEDULED)] == [str(own), str(not_heard_of), None], \
        "an invoice scheduling has not heard of is passed on: billing makes the final check"


async def test_r_inv_1_another_clients_invoice_is_refused_and_nothing_is_booked(co: Company,
                                                                              uow: FakeUnitOfWork) -> None:
    theirs = known_invoice(co, co.person("client"))

    with pytest.raises(InvoiceOfAnotherClient) as refused:
        await visits.schedule_visit(co.ctx, co.visit(invoice_id=theirs))

    assert refused.value.status == 422 and refused.value.code == "invoice_of_another_client"
    assert uow.visits.rows == {} and uow.published == [] and uow.commits == 0


def test_r_inv_1_an_invoice_and_do_not_invoice_together_are_bad_input(co: Company) -> None:
    with pytest.raises(ValidationError, match="not both"):
        co.visit(invoice_id=uuid4(), do_not_invoice=True)


async def test_r_inv_1_an_approved_period_puts_its_visits_on_one_new_invoice_with_price_and_taxable(
        world: World) -> None:
    world.uow.services.rows[world.service.id] = world.service.changed(taxable=True)
    template = await templates.create_template(world.ctx, world.create(auto_approve_days=None))

    march_9 = await templates.approve_period(world.ctx, template.id, ApprovePeriod(period_start=date(2026, 3, 9)))
    march_16 = await templates.approve_period(world.ctx, template.id, ApprovePeriod(period_start=date(2026, 3, 16)))

    assert world.uow.versions(SCHEDULED) == [2] * 4
    events = world.uow.events(SCHEDULED)
    assert [e["visit_id"] for e in events] == [str(v.id) for v in [*march_9, *march_16]]
    assert {(e["service_id"], e["price_cents"], e["taxable"]) for e in events} == {(str(world.service.id), 2500, True)}
    assert [e["invoice_id"] for e in events] == [str(period_invoice_id(template.id, date(2026, 3, 9)))] * 2 \
        + [str(period_invoice_id(template.id, date(2026, 3, 16)))] * 2, "one new invoice per period"


def test_r_inv_1_derived_invoice_ids_are_the_same_on_a_retry_and_differ_between_approvals() -> None:
    template_id, request_id = uuid4(), uuid4()

    assert period_invoice_id(template_id, date(2026, 3, 9)) == period_invoice_id(template_id, date(2026, 3, 9))
    assert period_invoice_id(template_id, date(2026, 3, 9)) != period_invoice_id(template_id, date(2026, 3, 16))
    assert period_invoice_id(template_id, date(2026, 3, 9)) != period_invoice_id(uuid4(), date(2026, 3, 9))
    assert request_invoice_id(request_id) == request_invoice_id(request_id) != request_invoice_id(uuid4())
