"""scheduling.events → invoices through the real consumer on PostgreSQL (R-INV-1, R-INV-2, R-INV-3,
R-NEVER-1): what reaches billing's outbox, and that nothing is ever emailed."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from petcare_contracts.events.scheduling import (
    AnsweredVisit,
    ChangeRequestAnswered,
    VisitCancelledByStaff,
    VisitDeleted,
    VisitMoved,
    VisitScheduled,
    VisitScheduledV2,
    VisitSummary,
)
from petcare_tools.testing.service import ServiceUnderTest

from .invoice_world import World, make_world

pytestmark = pytest.mark.asyncio(loop_scope="session")
TOPIC = "billing.events"
SETTINGS = {"tax_rate_percent": "10", "cancellation_fee_percent": "50", "due_date_basis": "on_last_service",
            "due_date_days": 0}


def summary(visit_id: UUID, on: date = date(2026, 3, 10)) -> VisitSummary:
    return VisitSummary(visit_id=visit_id, service_name="Dog walk", visit_date=on, pet_names=["Rex"])


def scheduled(world: World, invoice_id: UUID | None, *, on: date = date(2026, 3, 10),
              client_id: UUID | None = None) -> VisitScheduledV2:
    visit_id = uuid4()
    return VisitScheduledV2(visit_id=visit_id, client_id=client_id or world.client_id, visit=summary(visit_id, on),
                            service_id=uuid4(), price_cents=4_000, taxable=True, invoice_id=invoice_id)


async def published(service: ServiceUnderTest, since: int, event_type: str) -> list[dict[str, Any]]:
    return [e["data"] for e in await service.outbox(TOPIC, since=since) if e["type"] == event_type]


async def no_email(service: ServiceUnderTest) -> None:
    """R-NEVER-1: nothing billing did from scheduling's events asks for an invoice email."""
    assert await published(service, 0, "billing.invoice.email_requested") == []


async def test_r_inv_1_a_scheduled_visit_goes_on_the_chosen_invoice_and_nothing_is_emailed(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    await service.as_(world.admin).put("/settings", json=SETTINGS)
    since, chosen = await service.last_seq(), uuid4()
    first, second = scheduled(world, chosen), scheduled(world, chosen, on=date(2026, 3, 20))
    envelope = await service.feed(first, world.company_id)
    await service.feed(first, world.company_id, envelope)  # redelivered: nothing twice
    await service.feed(first, world.company_id)  # the same visit in a new envelope: still once
    await service.feed(second, world.company_id)

    updates = await published(service, since, "billing.invoice.updated")
    assert [(u["invoice_id"], u["revision"], u["number"], u["status"], u["total_cents"], u["due_date"])
            for u in updates] == [(str(chosen), 1, "INV-0001", "draft", 4_400, "2026-03-10"),
                                  (str(chosen), 2, "INV-0001", "draft", 8_800, "2026-03-20")]
    visits = await published(service, since, "billing.invoice.visits_changed")
    assert visits[-1]["visit_ids"] == [str(first.visit_id), str(second.visit_id)]
    assert [e["version"] for e in await service.outbox(TOPIC, since=since)
            if e["type"] == "billing.invoice.updated"] == [2, 2]
    await no_email(service)


async def test_r_inv_1_do_not_invoice_and_v1_visits_leave_no_line(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    since, visit_id = await service.last_seq(), uuid4()
    await service.feed(scheduled(world, None), world.company_id)
    await service.feed(VisitScheduled(visit_id=visit_id, client_id=world.client_id, visit=summary(visit_id)),
                       world.company_id)
    assert await service.outbox(TOPIC, since=since) == []
    rows = await service.sql("SELECT count(*) AS n FROM invoices WHERE company_id = :c", c=world.company_id)
    assert rows[0].n == 0


async def test_r_inv_1_another_companys_invoice_id_is_never_touched(service: ServiceUnderTest) -> None:
    world, elsewhere = await make_world(service), await make_world(service)
    theirs = uuid4()
    await service.feed(scheduled(elsewhere, theirs), elsewhere.company_id)
    since = await service.last_seq()
    await service.feed(scheduled(world, theirs), world.company_id)
    update, = await published(service, since, "billing.invoice.updated")
    assert update["invoice_id"] != str(theirs) and update["client_id"] == str(world.client_id)
    rows = await service.sql("SELECT count(*) AS n FROM invoice_lines WHERE invoice_id = :i", i=theirs)
    assert rows[0].n == 1


async def test_r_inv_2_cancelled_visits_keep_the_fee_deleted_ones_leave_and_moves_set_the_due_date(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    await service.as_(world.admin).put("/settings", json=SETTINGS)
    chosen = uuid4()
    visits = [scheduled(world, chosen, on=date(2026, 3, day)) for day in (10, 12, 14, 16)]
    for visit in visits:
        await service.feed(visit, world.company_id)
    by_staff, by_request, deleted, moved = visits
    since = await service.last_seq()

    cancel = VisitCancelledByStaff(visit_id=by_staff.visit_id, client_id=world.client_id, visit=by_staff.visit)
    await service.feed(cancel, world.company_id)
    await service.feed(cancel, world.company_id)  # replayed in a new envelope: the fee once
    answer = {"request_id": uuid4(), "client_id": world.client_id, "kind": "cancellation",
              "visits": [AnsweredVisit(**by_request.visit.model_dump(), decision="approved")]}
    await service.feed(ChangeRequestAnswered(**answer, decision="denied"), world.company_id)
    await service.feed(ChangeRequestAnswered(**{**answer, "kind": "change"}, decision="approved"), world.company_id)
    await service.feed(ChangeRequestAnswered(**answer, decision="approved"), world.company_id)
    await service.feed(VisitDeleted(visit_id=deleted.visit_id, client_id=world.client_id), world.company_id)
    await service.feed(VisitMoved(visit_id=moved.visit_id, client_id=world.client_id,
                                  visit=summary(moved.visit_id, date(2026, 3, 30))), world.company_id)

    updates = await published(service, since, "billing.invoice.updated")
    # 4 × $40 + 10 % tax; the two cancelled keep 50 %: $20 + $20 + $40 (+ tax), then one deleted
    assert [(u["total_cents"], u["due_date"]) for u in updates] == [
        (15_400, "2026-03-16"), (13_200, "2026-03-16"), (8_800, "2026-03-16"), (8_800, "2026-03-30")]
    assert [u["revision"] for u in updates] == [5, 6, 7, 8]
    visits_now = await published(service, since, "billing.invoice.visits_changed")
    assert visits_now == [{"invoice_id": str(chosen), "client_id": str(world.client_id), "revision": 7,
                           "number": "INV-0001",
                           "visit_ids": [str(v.visit_id) for v in (by_staff, by_request, moved)]}]
    await no_email(service)
