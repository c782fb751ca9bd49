""""Send Confirmation" through the consumer and the HTTP API on a real PostgreSQL (R-SCHED-10,
R-EMAIL-9): billing's visits-per-invoice event kept as a read model, one confirmation event listing
every visit of the invoice, unknown and other companies' invoices 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from petcare_contracts.events.billing import InvoiceVisitsChanged

from ..conftest import Service, World, admin_of, make_world
from .test_visits_api import NOTE, booking, catalogue

CONFIRMED = "scheduling.confirmation.requested"


async def book(service: Service, world: World, walk: dict[str, Any], **changes: Any) -> str:
    answer = await service.call(world.admin, "POST", "/visits", json=booking(world, walk, **changes))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def invoice_of(service: Service, world: World, visit_ids: list[str], *, revision: int = 1,
                     invoice_id: UUID | None = None) -> UUID:
    invoice_id = invoice_id or uuid4()
    await service.feed(InvoiceVisitsChanged(invoice_id=invoice_id, client_id=world.client_id,
                                            visit_ids=[UUID(v) for v in visit_ids], revision=revision,
                                            number="INV-0007"), world.company_id)
    return invoice_id


async def test_r_sched_10_r_email_9_send_confirmation_publishes_one_event_listing_every_visit_of_the_invoice(
        service: Service) -> None:
    world = await make_world(service)
    walk, block = await catalogue(service, world)
    later = await book(service, world, walk, visit_date="2027-01-12", staff_note=NOTE)
    earlier = await book(service, world, walk, visit_date="2027-01-05", start_time="10:00")
    in_block = await book(service, world, walk, visit_date="2027-01-07", start_time=None,
                          schedule_block_id=block["id"], staff_id=None)
    not_on_it = await book(service, world, walk, visit_date="2027-01-08")
    invoice_id = await invoice_of(service, world, [later, earlier, in_block])

    answer = await service.call(world.admin, "POST", f"/invoices/{invoice_id}/confirmation")

    assert answer.status_code == 202, answer.text
    [event] = await service.published(CONFIRMED)
    assert event["invoice_id"] == str(invoice_id) and event["client_id"] == str(world.client_id)
    assert [v["visit_id"] for v in event["visits"]] == [earlier, in_block, later], "every visit, in date order"
    assert not_on_it not in str(event)
    assert event["visits"][1]["time_block"] == "Morning" and event["visits"][0]["pet_names"] == ["Rex"]
    assert event["visits"][0]["starts_at"].startswith("2027-01-05T10:00:00-05:00")
    assert "Alarm code" not in answer.text + str(event), "the staff-only note never reaches the client"
    assert [v["visit_id"] for v in answer.json()["visits"]] == [earlier, in_block, later]


async def test_r_sched_10_the_latest_revision_of_the_invoice_counts_and_cancelled_visits_are_left_out(
        service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    first, second, third = [await book(service, world, walk, visit_date=f"2027-02-0{d}") for d in (1, 2, 3)]
    invoice_id = await invoice_of(service, world, [first], revision=1)
    await invoice_of(service, world, [first, second, third], revision=3, invoice_id=invoice_id)
    await invoice_of(service, world, [first], revision=2, invoice_id=invoice_id)  # late: changes nothing
    assert (await service.call(world.admin, "POST", f"/visits/{third}/cancel")).status_code == 200

    answer = await service.call(world.admin, "POST", f"/invoices/{invoice_id}/confirmation")

    assert answer.status_code == 202, answer.text
    [event] = await service.published(CONFIRMED)
    assert [v["visit_id"] for v in event["visits"]] == [first, second]


async def test_r_sched_10_an_unknown_invoice_or_one_with_nothing_to_confirm_sends_nothing(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    visit = await book(service, world, walk)
    emptied = await invoice_of(service, world, [visit], revision=1)
    await invoice_of(service, world, [], revision=2, invoice_id=emptied)  # voided

    unknown = await service.call(world.admin, "POST", f"/invoices/{uuid4()}/confirmation")
    nothing = await service.call(world.admin, "POST", f"/invoices/{emptied}/confirmation")

    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "invoice_not_found")
    assert (nothing.status_code, nothing.json()["error"]["code"]) == (409, "nothing_to_confirm")
    assert await service.published(CONFIRMED) == []


async def test_r_sched_10_another_companys_invoice_is_404_and_only_managers_send(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    invoice_id = await invoice_of(service, world, [await book(service, world, walk)])

    stranger = await service.call(admin_of(), "POST", f"/invoices/{invoice_id}/confirmation")
    staff = await service.call(world.staff, "POST", f"/invoices/{invoice_id}/confirmation")
    client = await service.call(world.client, "POST", f"/invoices/{invoice_id}/confirmation")

    assert (stranger.status_code, stranger.json()["error"]["code"]) == (404, "invoice_not_found")
    assert staff.status_code == client.status_code == 403
    assert await service.published(CONFIRMED) == []
