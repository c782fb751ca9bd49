"""The Client Hub's commands (facility → `billing.commands`) through billing's real consumer on
PostgreSQL: R-FAC-4 (an event and its add-ons on a new invoice, moved onto the client's open
invoice, refusals with a stable code), R-FAC-6 / R-PKG-1 (a package added, an event redeemed, % used),
R-INV-1 (facility events only by hand), R-NEVER-1 (nothing emailed). Each command is answered once."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from petcare_contracts.events.billing import (
    FacilityCharge,
    FacilityInvoiceRequested,
    PackageAddRequested,
    PackageRedeemRequested,
)
from petcare_contracts.events.clients import ClientAdded
from petcare_tools.testing.service import ServiceUnderTest

from .invoice_world import World, contact, make_world

pytestmark = pytest.mark.asyncio(loop_scope="session")
TOPIC = "billing.events"
ANSWERED, UPDATED, CHANGED = "billing.command.answered", "billing.invoice.updated", "billing.package.changed"
DAYCARE, OVERNIGHT, BATH = uuid4(), uuid4(), uuid4()


def stay(event_id: UUID, *, add_on: bool = False, on: date = date(2026, 12, 10)) -> list[FacilityCharge]:
    """A facility event's charges: its own line (and a bath add-on)."""
    charges = [FacilityCharge(facility_event_id=event_id, service_id=OVERNIGHT, description="Overnight (Rex)",
                              on=on, price_cents=6_000, taxable=True)]
    if add_on:
        charges.append(FacilityCharge(facility_event_id=event_id, add_on_id=uuid4(), service_id=BATH,
                                      description="Bath (Rex)", on=on, price_cents=1_500, taxable=False))
    return charges


def invoice_request(world: World, charges: list[FacilityCharge], invoice_id: UUID | None = None,
                    client_id: UUID | None = None) -> FacilityInvoiceRequested:
    return FacilityInvoiceRequested(request_id=uuid4(), client_id=client_id or world.client_id,
                                    invoice_id=invoice_id, charges=charges)


async def published(service: ServiceUnderTest, since: int, event_type: str) -> list[dict[str, Any]]:
    return [e["data"] for e in await service.outbox(TOPIC, since=since) if e["type"] == event_type]


async def answer_to(service: ServiceUnderTest, request_id: UUID) -> dict[str, Any]:
    answers = [a for a in await published(service, 0, ANSWERED) if a["request_id"] == str(request_id)]
    assert len(answers) == 1, answers
    return answers[0]


async def invoiced(service: ServiceUnderTest, world: World, charges: list[FacilityCharge],
                   invoice_id: UUID | None = None) -> str:
    request = invoice_request(world, charges, invoice_id)
    await service.feed(request, world.company_id)
    answer = await answer_to(service, request.request_id)
    assert answer["outcome"] == "done", answer
    return str(answer["invoice_id"])


async def test_r_fac_4_an_event_with_its_add_on_goes_on_a_new_invoice_answered_once(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    since, event_id = await service.last_seq(), uuid4()
    request = invoice_request(world, stay(event_id, add_on=True))
    envelope = await service.feed(request, world.company_id)
    await service.feed(request, world.company_id, envelope)  # redelivered
    await service.feed(request, world.company_id)  # replayed in a new envelope: answered already

    answer = await answer_to(service, request.request_id)
    assert (answer["outcome"], answer["command"], answer["code"]) == ("done", "billing.facility_invoice.requested",
                                                                      None)
    updates = await published(service, since, UPDATED)
    assert [(u["invoice_id"], u["facility_event_ids"], u["total_cents"], u["status"]) for u in updates] == [
        (answer["invoice_id"], [str(event_id)], 7_500, "draft")]
    shown = await service.as_(world.admin).get(f"/invoices/{answer['invoice_id']}")
    assert shown.status_code == 200, shown.text
    assert [line["description"] for line in shown.json()["lines"]] == ["Overnight (Rex)", "Bath (Rex)"]
    assert await published(service, 0, "billing.invoice.email_requested") == []  # R-NEVER-1


async def test_r_fac_4_an_event_moves_onto_the_clients_open_invoice(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    first, second = uuid4(), uuid4()
    old = await invoiced(service, world, stay(first, add_on=True))
    target = await invoiced(service, world, stay(second, on=date(2026, 12, 20)))
    since = await service.last_seq()

    assert await invoiced(service, world, stay(first, add_on=True), UUID(target)) == target
    updates = {u["invoice_id"]: u for u in await published(service, since, UPDATED)}
    assert (updates[old]["facility_event_ids"], updates[old]["total_cents"]) == ([], 0)
    assert (updates[target]["facility_event_ids"], updates[target]["total_cents"]) == (
        [str(second), str(first)], 13_500)
    lines = (await service.as_(world.admin).get(f"/invoices/{target}")).json()["lines"]
    assert len(lines) == 3  # the event's add-on moved with it, not twice


async def test_r_fac_4_another_clients_a_void_or_an_unknown_invoice_is_refused_and_nothing_changes(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    event_id = uuid4()
    theirs = await invoiced(service, world, stay(uuid4()))
    mine = await invoiced(service, world, stay(event_id))
    void = await invoiced(service, world, stay(uuid4()))
    assert (await service.as_(world.admin).post(f"/invoices/{void}/void")).status_code == 200
    since = await service.last_seq()
    cases = {
        "invoice_of_another_client": invoice_request(world, stay(uuid4()), UUID(theirs), world.other_client_id),
        "invoice_void": invoice_request(world, stay(event_id), UUID(void)),
        "invoice_not_found": invoice_request(world, stay(event_id), uuid4()),
        "no_charges": invoice_request(world, []),
    }
    for request in cases.values():
        await service.feed(request, world.company_id)
    for code, request in cases.items():
        answer = await answer_to(service, request.request_id)
        assert (answer["outcome"], answer["code"]) == ("refused", code)
        assert answer["message"]
    assert await published(service, since, UPDATED) == []
    assert (await service.as_(world.admin).get(f"/invoices/{mine}")).json()["totals"]["total_cents"] == 6_000


async def test_r_fac_4_a_command_for_a_client_billing_has_not_heard_of_waits_for_the_client(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    newcomer, since = uuid4(), await service.last_seq()
    request = invoice_request(world, stay(uuid4()), client_id=newcomer)
    await service.feed(request, world.company_id)
    assert await published(service, since, ANSWERED) == []  # waiting, not refused
    await service.feed(ClientAdded(client_id=newcomer, contact=contact("Newt")), world.company_id)
    assert (await answer_to(service, request.request_id))["outcome"] == "done"


async def sell_package(service: ServiceUnderTest, world: World) -> str:
    package = await service.as_(world.admin).post("/packages", json={
        "name": "Stay bundle", "services": [{"service_id": str(OVERNIGHT), "count": 4}], "price_cents": 20_000})
    assert package.status_code == 201, package.text
    request = PackageAddRequested(request_id=uuid4(), client_id=world.client_id, package_id=package.json()["id"])
    await service.feed(request, world.company_id)
    await service.feed(request, world.company_id)  # replayed: one package, not two
    answer = await answer_to(service, request.request_id)
    assert answer["outcome"] == "done", answer
    return str(answer["client_package_id"])


def redeem(world: World, held: str, event_id: UUID, service_id: UUID = OVERNIGHT) -> PackageRedeemRequested:
    return PackageRedeemRequested(request_id=uuid4(), client_id=world.client_id, client_package_id=UUID(held),
                                  facility_event_id=event_id, service_id=service_id, on=date(2026, 12, 10))


async def test_r_fac_6_a_package_added_from_the_hub_and_an_event_redeemed_tracks_percent_used(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    held = await sell_package(service, world)
    listed = (await service.as_(world.admin).get(f"/clients/{world.client_id}/packages")).json()
    assert len(listed["items"] if isinstance(listed, dict) else listed) == 1
    event_id = uuid4()
    invoice = await invoiced(service, world, stay(event_id, add_on=True))
    since = await service.last_seq()

    request = redeem(world, held, event_id)
    await service.feed(request, world.company_id)
    assert (await answer_to(service, request.request_id))["outcome"] == "done"
    changed = await published(service, since, CHANGED)
    assert [(c["used"], c["remaining"], c["percent_used"]) for c in changed] == [(1, 3, "25.00")]
    # R-PKG-1: a set-price package covers the event's own line; the add-on is still charged.
    updates = await published(service, since, UPDATED)
    assert [(u["invoice_id"], u["total_cents"]) for u in updates] == [(invoice, 1_500)]


async def test_r_fac_6_redemptions_billing_refuses_say_why(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    held = await sell_package(service, world)
    event_id = uuid4()
    await service.feed(redeem(world, held, event_id), world.company_id)
    since = await service.last_seq()
    cases = {
        "already_redeemed": redeem(world, held, event_id),
        "not_covered": redeem(world, held, uuid4(), service_id=DAYCARE),
        "client_package_not_found": redeem(world, str(uuid4()), uuid4()),
    }
    for request in cases.values():
        await service.feed(request, world.company_id)
    for code, request in cases.items():
        answer = await answer_to(service, request.request_id)
        assert (answer["outcome"], answer["code"]) == ("refused", code), answer
    assert await published(service, since, CHANGED) == []
