"""A facility event cancelled after the Client Hub invoiced or redeemed it, through billing's real
consumer of `facility.events` on PostgreSQL: R-PKG-1 (the redemption goes back to the package),
R-INV-2 (the event's lines and its add-ons' keep the cancellation fee), R-FAC-6 (facility events are
redeemed like visits). Once per event: a replayed, later or older revision changes nothing twice;
any other status changes nothing. Nothing is emailed (R-NEVER-1)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from petcare_contracts.events.facility import FacilityEventChanged
from petcare_tools.testing.service import ServiceUnderTest

from .invoice_world import World, make_world
from .test_facility_commands import (
    CHANGED,
    OVERNIGHT,
    UPDATED,
    answer_to,
    invoiced,
    published,
    redeem,
    sell_package,
    stay,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


def changed(world: World, event_id: UUID, status: str, revision: int) -> FacilityEventChanged:
    """The event's whole state as facility publishes it (an overnight stay of one night)."""
    return FacilityEventChanged(
        facility_event_id=event_id, client_id=world.client_id, service_id=OVERNIGHT, service_name="Overnight",
        kind="overnight", starts_on=date(2026, 12, 10), ends_on=date(2026, 12, 11), nights=1, space_id=uuid4(),
        space_name="Suite 1", pet_ids=[uuid4()], pet_names=["Rex"], price_cents=6_000, taxable=True,
        status=status, revision=revision)  # type: ignore[arg-type]


async def fee_of_50_percent(service: ServiceUnderTest, world: World) -> None:
    answer = await service.as_(world.admin).put("/settings", json={
        "tax_rate_percent": "0", "cancellation_fee_percent": "50", "due_date_basis": "on_first_service",
        "due_date_days": 0})
    assert answer.status_code == 200, answer.text


async def lines(service: ServiceUnderTest, world: World, invoice_id: str) -> list[tuple[Any, ...]]:
    shown = await service.as_(world.admin).get(f"/invoices/{invoice_id}")
    assert shown.status_code == 200, shown.text
    return [(line["description"], line["cancelled"], line["amount_cents"]) for line in shown.json()["lines"]]


async def invoiced_and_redeemed(service: ServiceUnderTest, world: World) -> tuple[UUID, str, str]:
    """An overnight stay with a bath add-on on an invoice, the stay redeemed against a package."""
    await fee_of_50_percent(service, world)
    held = await sell_package(service, world)
    event_id = uuid4()
    invoice = await invoiced(service, world, stay(event_id, add_on=True))
    request = redeem(world, held, event_id)
    await service.feed(request, world.company_id)
    assert (await answer_to(service, request.request_id))["outcome"] == "done"
    return event_id, held, invoice


async def test_r_pkg_1_r_inv_2_r_fac_6_a_cancelled_facility_event_gives_its_redemption_back_and_keeps_the_fee(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    event_id, held, invoice = await invoiced_and_redeemed(service, world)
    since = await service.last_seq()

    await service.feed(changed(world, event_id, "cancelled", 3), world.company_id)

    # R-PKG-1 / R-FAC-6: the stay is back in the package.
    assert [(c["client_package_id"], c["used"], c["remaining"]) for c in await published(service, since, CHANGED)] \
        == [(held, 0, 4)]
    packages = (await service.as_(world.admin).get(f"/clients/{world.client_id}/packages")).json()
    [package] = packages["items"] if isinstance(packages, dict) else packages
    assert package["used"] == 0
    # R-INV-2: the stay's line and its add-on's keep the company's 50 % fee, no longer covered.
    assert await lines(service, world, invoice) == [("Overnight (Rex)", True, 3_000), ("Bath (Rex)", True, 750)]
    assert (await published(service, since, UPDATED))[-1]["total_cents"] == 3_750
    assert await published(service, 0, "billing.invoice.email_requested") == []  # R-NEVER-1


async def test_r_pkg_1_r_inv_2_a_replayed_later_or_older_revision_changes_nothing_twice(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    event_id, _, invoice = await invoiced_and_redeemed(service, world)
    cancel = changed(world, event_id, "cancelled", 3)
    envelope = await service.feed(cancel, world.company_id)
    after = await lines(service, world, invoice)
    since = await service.last_seq()

    await service.feed(cancel, world.company_id, envelope)  # redelivered
    await service.feed(cancel, world.company_id)  # replayed in a new envelope
    await service.feed(changed(world, event_id, "cancelled", 4), world.company_id)  # e.g. its note edited
    await service.feed(changed(world, event_id, "scheduled", 2), world.company_id)  # an older revision, late

    assert await service.outbox("billing.events", since=since) == []
    assert await lines(service, world, invoice) == after


async def test_r_fac_6_other_statuses_change_nothing(service: ServiceUnderTest) -> None:
    world = await make_world(service)
    event_id, _, invoice = await invoiced_and_redeemed(service, world)
    before, since = await lines(service, world, invoice), await service.last_seq()

    for revision, status in enumerate(("scheduled", "checked_in", "checked_out"), start=3):
        await service.feed(changed(world, event_id, status, revision), world.company_id)

    assert await service.outbox("billing.events", since=since) == []
    assert await lines(service, world, invoice) == before
    assert before == [("Overnight (Rex)", False, 6_000), ("Bath (Rex)", False, 1_500)]


async def test_r_inv_2_a_cancelled_facility_event_never_invoiced_nor_redeemed_changes_nothing(
        service: ServiceUnderTest) -> None:
    world = await make_world(service)
    since = await service.last_seq()
    await service.feed(changed(world, uuid4(), "cancelled", 2), world.company_id)
    assert await service.outbox("billing.events", since=since) == []
