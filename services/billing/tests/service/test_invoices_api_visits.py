"""The invoice API on visits' lines (fed as scheduling.events, as Kafka would): a cancelled visit's
fee overridden by hand (R-INV-2), the status past due on the company's local dates (R-INV-3), a
visit's or a facility event's line (R-FAC-4) left alone by the custom-line routes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from petcare_contracts.events.billing import FacilityCharge, FacilityInvoiceRequested
from petcare_contracts.events.scheduling import VisitCancelledByStaff, VisitScheduledV2, VisitSummary
from petcare_tools.testing.local_today import local_today
from petcare_tools.testing.service import ServiceUnderTest

from .invoice_world import World, make_world
from .test_invoices_api import ok

pytestmark = pytest.mark.asyncio(loop_scope="session")
NY = ZoneInfo("America/New_York")


async def schedule(service: ServiceUnderTest, world: World, *, visit_date: date, price_cents: int = 3000,
                   invoice_id: UUID | None = None) -> tuple[UUID, UUID]:
    """A visit scheduled on `visit_date` for the world's client, on `invoice_id` (a new one when None)."""
    visit_id, invoice_id = uuid4(), invoice_id or uuid4()
    summary = VisitSummary(visit_id=visit_id, service_name="Dog walk", visit_date=visit_date, pet_names=["Rex"])
    await service.feed(VisitScheduledV2(visit_id=visit_id, client_id=world.client_id, visit=summary,
                                        service_id=uuid4(), price_cents=price_cents, taxable=False,
                                        invoice_id=invoice_id), world.company_id)
    return visit_id, invoice_id


def visit_line(invoice: dict[str, Any], visit_id: UUID) -> dict[str, Any]:
    [line] = [line for line in invoice["lines"] if line["visit_id"] == str(visit_id)]
    return line


async def test_r_inv_2_a_cancelled_visit_s_fee_is_overridden_by_hand_and_back_to_the_company_default(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    ok(await admin.put("/settings", json={"tax_rate_percent": "0", "cancellation_fee_percent": "50",
                                          "due_date_basis": "on_first_service", "due_date_days": 0}))
    visit_id, invoice_id = await schedule(service, world, visit_date=local_today() + timedelta(days=3))
    path = f"/invoices/{invoice_id}"
    line = visit_line(ok(await admin.get(path)), visit_id)
    assert (line["kind"], line["amount_cents"], line["cancelled"]) == ("visit", 3000, False)
    answer = await admin.put(f"{path}/lines/{line['id']}/cancellation-fee", json={"percent": "0"})
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "invoice_line_not_cancelled"
    summary = VisitSummary(visit_id=visit_id, service_name="Dog walk", visit_date=local_today() + timedelta(days=3))
    await service.feed(VisitCancelledByStaff(visit_id=visit_id, client_id=world.client_id, visit=summary),
                       world.company_id)
    line = visit_line(ok(await admin.get(path)), visit_id)
    assert (line["cancelled"], line["cancellation_fee_percent"], line["amount_cents"]) == (True, "50", 1500)
    waived = ok(await admin.put(f"{path}/lines/{line['id']}/cancellation-fee", json={"percent": "0"}))
    assert visit_line(waived, visit_id)["amount_cents"] == 0 and waived["totals"]["total_cents"] == 0
    quarter = ok(await admin.put(f"{path}/lines/{line['id']}/cancellation-fee", json={"percent": "25.5"}))
    assert visit_line(quarter, visit_id)["amount_cents"] == 765  # 25.5 % of 30.00
    back = ok(await admin.put(f"{path}/lines/{line['id']}/cancellation-fee", json={"percent": None}))
    assert visit_line(back, visit_id)["cancellation_fee_percent"] == "50"
    for bad in ({"percent": "101"}, {"percent": "-1"}, {}, {"percent": "abc"}):
        answer = await admin.put(f"{path}/lines/{line['id']}/cancellation-fee", json=bad)
        assert answer.status_code == 422 and set(answer.json()["error"]) == {"code", "message", "details"}, bad
    removed = await admin.delete(f"{path}/lines/{line['id']}")
    assert removed.status_code == 409 and removed.json()["error"]["code"] == "invoice_line_not_custom"


async def test_r_inv_3_a_sent_invoice_is_past_due_after_its_due_date_in_the_company_s_zone(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    admin = service.as_(world.admin)
    first = local_today() - timedelta(days=3)
    visit_id, invoice_id = await schedule(service, world, visit_date=first)
    await schedule(service, world, visit_date=first + timedelta(days=5), invoice_id=invoice_id)
    invoice = ok(await admin.get(f"/invoices/{invoice_id}"))
    assert invoice["due_date"] == first.isoformat(), "R-INV-3 default: due on the first service"
    assert invoice["status"] == "draft", "a draft is never past due: it was not sent"
    assert ok(await admin.post(f"/invoices/{invoice_id}/email"))["status"] == "past_due"
    listed = ok(await admin.get("/invoices", params={"status": "past_due"}))
    assert [i["id"] for i in listed["items"]] == [str(invoice_id)]
    assert ok(await service.as_(world.client).get(f"/portal/invoices/{invoice_id}"))["status"] == "past_due"
    ahead, later_invoice = await schedule(service, world, visit_date=local_today() + timedelta(days=1))
    assert ok(await admin.post(f"/invoices/{later_invoice}/email"))["status"] == "sent"
    assert visit_id != ahead


async def test_r_fac_4_a_facility_event_s_line_shows_as_such_and_is_not_removed_by_hand(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    event_id = uuid4()
    request = FacilityInvoiceRequested(request_id=uuid4(), client_id=world.client_id, charges=[FacilityCharge(
        facility_event_id=event_id, service_id=uuid4(), description="Overnight (Rex)", on=local_today(),
        price_cents=6_000, taxable=False)])
    await service.feed(request, world.company_id)
    admin = service.as_(world.admin)
    [listed] = ok(await admin.get("/invoices", params={"client_id": str(world.client_id)}))["items"]
    [line] = ok(await admin.get(f"/invoices/{listed['id']}"))["lines"]
    assert (line["kind"], line["facility_event_id"], line["amount_cents"]) == ("facility", str(event_id), 6_000)
    removed = await admin.delete(f"/invoices/{listed['id']}/lines/{line['id']}")
    assert removed.status_code == 409 and removed.json()["error"]["code"] == "invoice_line_not_custom"
