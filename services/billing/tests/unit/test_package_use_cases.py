"""R-PKG-1 / R-FAC-6 use cases on fakes: add to a client (a set price on a new invoice), redeem (the
visit's line covered), give back (once), and billing.package.changed with the whole state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from billing.domain.packages import (
    AlreadyRedeemed,
    ClientPackageNotFound,
    InvalidPackage,
    PackageCannotRedeem,
    PackageLimit,
    PackageSold,
    RedeemedKind,
)
from billing.service_layer import invoice_effects, packages, packages_catalogue
from billing.service_layer.context import Context
from billing.service_layer.packages_commands import AddClientPackage, DefinePackage, Redeem, UpdatePackage
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork

WALK, DAYCARE = uuid4(), uuid4()
CHANGED = "billing.package.changed"


class Invoices:
    """What the packages asked of invoices (invoice_effects stands in)."""

    def __init__(self) -> None:
        self.lines: list[tuple[UUID, UUID, str, int]] = []
        self.covers: list[tuple[UUID, Decimal | None]] = []
        self.event_covers: list[tuple[UUID, Decimal | None]] = []
        self.invoice_id = uuid4()

    async def add_package_line(self, ctx: Context, client_id: UUID, client_package_id: UUID, description: str,
                               price_cents: int) -> UUID:
        self.lines.append((client_id, client_package_id, description, price_cents))
        return self.invoice_id

    async def set_visit_package_cover(self, ctx: Context, visit_id: UUID, covered_percent: Decimal | None) -> None:
        self.covers.append((visit_id, covered_percent))

    async def set_facility_event_package_cover(self, ctx: Context, facility_event_id: UUID,
                                               covered_percent: Decimal | None) -> None:
        self.event_covers.append((facility_event_id, covered_percent))


@pytest.fixture
def invoices(monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoices]:
    fake = Invoices()
    monkeypatch.setattr(invoice_effects, "add_package_line", fake.add_package_line)
    monkeypatch.setattr(invoice_effects, "set_visit_package_cover", fake.set_visit_package_cover)
    monkeypatch.setattr(invoice_effects, "set_facility_event_package_cover", fake.set_facility_event_package_cover)
    yield fake


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()
        self.company_id, self.client_id = uuid4(), uuid4()
        self.uow.packages.know_client(self.company_id, self.client_id)
        self.admin = Context(self.uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=self.company_id))
        self.consumer = Context(self.uow, Identity(Role.INTERNAL, company_id=self.company_id))

    async def sold(self, **terms: Any) -> UUID:
        package = await packages_catalogue.define_package(self.admin, DefinePackage.model_validate(
            {"name": "Walks", "services": [{"service_id": WALK, "count": 2}, {"service_id": DAYCARE, "count": 1}],
             **({"price_cents": 9_000} | terms)}))
        held = await packages.add_to_client(self.admin, self.client_id, AddClientPackage(package_id=package.id))
        return held.id


def redeem_visit(visit: UUID, on: date = date(2026, 3, 2), service: UUID = WALK) -> Redeem:
    return Redeem(kind=RedeemedKind.VISIT, id=visit, service_id=service, date=on)


async def test_r_pkg_1_a_set_price_package_goes_on_a_new_invoice_and_is_published(invoices: Invoices) -> None:
    world = World()
    held_id = await world.sold()

    assert invoices.lines == [(world.client_id, held_id, "Package: Walks", 9_000)]
    assert world.uow.packages.held[held_id].invoice_id == invoices.invoice_id
    [event] = world.uow.events(CHANGED)
    assert (event["used"], event["remaining"], event["percent_used"], event["revision"]) == (0, 3, "0.00", 1)


async def test_r_pkg_1_a_discount_package_puts_nothing_on_an_invoice(invoices: Invoices) -> None:
    world = World()
    held_id = await world.sold(price_cents=None, discount_percent="15")
    await packages.redeem(world.admin, held_id, redeem_visit(visit := uuid4()))

    assert invoices.lines == []
    assert invoices.covers == [(visit, Decimal("15"))]


async def test_r_pkg_1_give_back_visit_returns_the_redemption_once(invoices: Invoices) -> None:
    world = World()
    held_id, visit = await world.sold(), uuid4()
    await packages.redeem(world.admin, held_id, redeem_visit(visit))
    commits = world.uow.commits

    assert await packages.give_back_visit(world.consumer, visit) == 1
    assert await packages.give_back_visit(world.consumer, visit) == 0  # a redelivered cancellation

    assert world.uow.commits == commits  # the consumer's batch commits
    assert invoices.covers == [(visit, Decimal(100)), (visit, None)]
    events = world.uow.events(CHANGED)
    assert [(e["used"], e["revision"]) for e in events] == [(0, 1), (1, 2), (0, 3)]
    assert world.uow.packages.held[held_id].remaining(WALK) == 2


async def test_r_pkg_1_give_back_visit_of_a_visit_never_redeemed_publishes_nothing(invoices: Invoices) -> None:
    world = World()
    await world.sold()
    assert await packages.give_back_visit(world.consumer, uuid4()) == 0
    assert len(world.uow.events(CHANGED)) == 1 and invoices.covers == []


async def test_r_pkg_1_a_visit_is_redeemed_against_one_package_only(invoices: Invoices) -> None:
    world = World()
    first, second, visit = await world.sold(), await world.sold(), uuid4()
    await packages.redeem(world.admin, first, redeem_visit(visit))
    with pytest.raises(AlreadyRedeemed):
        await packages.redeem(world.admin, second, redeem_visit(visit))
    with pytest.raises(PackageCannotRedeem):
        await packages.redeem(world.admin, first, redeem_visit(visit))


async def test_r_pkg_1_limits_and_end_dates_refuse_with_a_reason(invoices: Invoices) -> None:
    world = World()
    held_id = await world.sold(limit=PackageLimit.SAME_WEEK, ends_on="2030-03-31")
    await packages.redeem(world.admin, held_id, redeem_visit(uuid4(), date(2030, 3, 4)))  # a Monday
    refusals = []
    for on, service in ((date(2030, 3, 10), WALK), (date(2030, 4, 8), WALK), (date(2030, 3, 11), uuid4())):
        with pytest.raises(PackageCannotRedeem) as refused:
            await packages.redeem(world.admin, held_id, redeem_visit(uuid4(), on, service))
        refusals.append(refused.value.details["reason"])
    assert refusals == ["limit", "ended", "not_covered"]
    assert world.uow.packages.held[held_id].used() == 1


async def test_r_fac_6_a_facility_event_is_redeemed_and_its_own_line_covered(invoices: Invoices) -> None:
    world = World()
    held_id = await world.sold()
    event = Redeem(kind=RedeemedKind.FACILITY_EVENT, id=uuid4(), service_id=DAYCARE, date=date(2026, 3, 2))
    held = await packages.redeem(world.admin, held_id, event)
    assert (held.used(DAYCARE), held.percent_used()) == (1, Decimal("33.33"))
    assert (invoices.covers, invoices.event_covers) == ([], [(event.id, Decimal(100))])
    assert await packages.give_back_visit(world.consumer, event.id) == 0  # not a visit
    another = Redeem(kind=RedeemedKind.FACILITY_EVENT, id=uuid4(), service_id=DAYCARE, date=date(2026, 3, 3))
    with pytest.raises(ClientPackageNotFound):  # the Client Hub names the client: it must be theirs
        await packages.redeem(world.consumer, held_id, another, client_id=uuid4())
    await packages.give_back(world.admin, held_id, event.id, RedeemedKind.FACILITY_EVENT)
    assert invoices.event_covers == [(event.id, Decimal(100)), (event.id, None)]


async def test_r_pkg_1_a_sold_package_is_disabled_never_deleted_and_keeps_its_terms(invoices: Invoices) -> None:
    world = World()
    held_id = await world.sold()
    package_id = world.uow.packages.held[held_id].package_id
    with pytest.raises(PackageSold):
        await packages_catalogue.delete_package(world.admin, package_id)
    await packages_catalogue.update_package(world.admin, package_id, UpdatePackage(name="Renamed", active=False))
    assert world.uow.packages.held[held_id].definition.name == "Walks"
    unsold = await packages_catalogue.define_package(world.admin, DefinePackage.model_validate(
        {"name": "Typo", "services": [{"service_id": WALK, "count": 1}], "price_cents": 1}))
    await packages_catalogue.delete_package(world.admin, unsold.id)
    assert unsold.id not in world.uow.packages.packages


async def test_r_pkg_1_a_client_reads_only_their_own_packages(invoices: Invoices) -> None:
    world = World()
    held_id = await world.sold()
    own = Context(world.uow, Identity(Role.CLIENT, person_id=world.client_id, company_id=world.company_id))
    other = Context(world.uow, Identity(Role.CLIENT, person_id=uuid4(), company_id=world.company_id))
    assert [h.id for h in await packages.client_packages(own, world.client_id)] == [held_id]
    with pytest.raises(ClientPackageNotFound):
        await packages.get_client_package(other, held_id)
    stranger = Context(world.uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4()))
    with pytest.raises(ClientPackageNotFound):
        await packages.get_client_package(stranger, held_id)


async def test_r_pkg_1_an_ended_package_is_no_longer_added(invoices: Invoices, monkeypatch: pytest.MonkeyPatch) -> None:
    world = World()
    world.uow.packages.zones[world.company_id] = "America/New_York"
    # 2026-04-01 02:00 UTC is still March 31st in New York: the package can still be sold.
    monkeypatch.setattr(Context, "now", staticmethod(lambda: datetime(2026, 4, 1, 2, 0, tzinfo=UTC)))
    held_id = await world.sold(ends_on="2026-03-31")
    package_id = (await packages.get_client_package(world.admin, held_id)).package_id
    monkeypatch.setattr(Context, "now", staticmethod(lambda: datetime(2026, 4, 1, 5, 0, tzinfo=UTC)))
    with pytest.raises(packages.PackageUnavailable):
        await packages.add_to_client(world.admin, world.client_id, AddClientPackage(package_id=package_id))


async def test_r_pkg_1_a_package_ending_on_a_past_local_date_is_refused(invoices: Invoices,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    world = World()
    world.uow.packages.zones[world.company_id] = "America/New_York"
    monkeypatch.setattr(Context, "now", staticmethod(lambda: datetime(2026, 4, 1, 5, 0, tzinfo=UTC)))
    with pytest.raises(InvalidPackage):
        await world.sold(ends_on="2026-03-31")
    held_id = await world.sold(ends_on="2026-04-01")  # today in New York: still sold
    package_id = (await packages.get_client_package(world.admin, held_id)).package_id
    with pytest.raises(InvalidPackage):
        await packages_catalogue.update_package(world.admin, package_id,
                                                UpdatePackage.model_validate({"ends_on": "2026-01-01"}))
