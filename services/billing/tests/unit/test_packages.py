"""R-PKG-1: packages defined, redeemed, limited, counted and returned."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from billing.domain.money import InvalidAmount
from billing.domain.packages import (
    ClientPackage,
    InvalidPackage,
    Package,
    PackageCannotRedeem,
    PackageDefinition,
    PackageLimit,
    RedeemedKind,
)

WALK, DAYCARE = uuid4(), uuid4()


def package(limit: PackageLimit = PackageLimit.NONE, ends_on: date | None = None) -> ClientPackage:
    return ClientPackage(uuid4(), uuid4(), uuid4(), uuid4(),
                         PackageDefinition("10 walks + daycare", {WALK: 2, DAYCARE: 1}, price_cents=9_000,
                                           limit=limit, ends_on=ends_on))


def test_r_pkg_1_used_remaining_and_percent_used() -> None:
    held = package()
    held.redeem(item_id=uuid4(), service_id=WALK, on=date(2026, 3, 2))
    assert held.used() == 1
    assert held.remaining() == 2
    assert held.remaining(WALK) == 1
    assert held.remaining(DAYCARE) == 1
    assert held.percent_used() == Decimal("33.33")
    assert (held.percent_used(WALK), held.percent_used(DAYCARE), held.percent_used(uuid4())) == (
        Decimal("50.00"), Decimal("0.00"), Decimal("0.00"))


def test_r_pkg_1_a_used_up_or_uncovered_service_cannot_be_redeemed() -> None:
    held = package()
    held.redeem(item_id=uuid4(), service_id=DAYCARE, on=date(2026, 3, 2))
    with pytest.raises(PackageCannotRedeem):
        held.redeem(item_id=uuid4(), service_id=DAYCARE, on=date(2026, 3, 3))
    with pytest.raises(PackageCannotRedeem):
        held.redeem(item_id=uuid4(), service_id=uuid4(), on=date(2026, 3, 3))


def test_r_pkg_1_a_visit_is_redeemed_once() -> None:
    held, visit = package(), uuid4()
    held.redeem(item_id=visit, service_id=WALK, on=date(2026, 3, 2))
    with pytest.raises(PackageCannotRedeem):
        held.redeem(item_id=visit, service_id=WALK, on=date(2026, 3, 2))


def test_r_pkg_1_the_end_date_is_enforced() -> None:
    held = package(ends_on=date(2026, 3, 31))
    held.redeem(item_id=uuid4(), service_id=WALK, on=date(2026, 3, 31))
    with pytest.raises(PackageCannotRedeem):
        held.redeem(item_id=uuid4(), service_id=WALK, on=date(2026, 4, 1))


@pytest.mark.parametrize(("limit", "refused", "allowed"), [
    (PackageLimit.SAME_DAY, date(2026, 3, 4), date(2026, 3, 5)),
    (PackageLimit.SAME_WEEK, date(2026, 3, 8), date(2026, 3, 9)),  # Wed 4th; Sun 8th same ISO week; Mon 9th next
    (PackageLimit.SAME_MONTH, date(2026, 3, 31), date(2026, 4, 1)),
])
def test_r_pkg_1_the_limit_allows_one_use_per_period(limit: PackageLimit, refused: date, allowed: date) -> None:
    held = package(limit)
    held.redeem(item_id=uuid4(), service_id=WALK, on=date(2026, 3, 4))
    with pytest.raises(PackageCannotRedeem):
        held.redeem(item_id=uuid4(), service_id=WALK, on=refused)
    held.redeem(item_id=uuid4(), service_id=WALK, on=allowed)


def test_r_pkg_1_no_limit_allows_several_uses_a_day() -> None:
    held = package()
    held.redeem(item_id=uuid4(), service_id=WALK, on=date(2026, 3, 4))
    held.redeem(item_id=uuid4(), service_id=DAYCARE, on=date(2026, 3, 4))
    assert held.used() == 2


def test_r_pkg_1_cancelling_a_redeemed_visit_returns_it() -> None:
    held, visit = package(), uuid4()
    held.redeem(item_id=visit, service_id=WALK, on=date(2026, 3, 2))
    assert held.give_back(visit) is True
    assert held.remaining(WALK) == 2
    assert held.give_back(visit) is False  # cancelling twice is harmless
    assert held.revision == 3  # added, redeemed, given back: the second give-back changed nothing
    held.redeem(item_id=visit, service_id=WALK, on=date(2026, 3, 2))  # can be redeemed again


def test_r_pkg_1_a_package_has_a_price_or_a_discount_and_covers_something() -> None:
    PackageDefinition("Loyalty", {WALK: 5}, discount_percent=Decimal("10"))
    with pytest.raises(InvalidPackage):
        PackageDefinition("Both", {WALK: 5}, price_cents=100, discount_percent=Decimal("10"))
    with pytest.raises(InvalidPackage):
        PackageDefinition("Neither", {WALK: 5})
    with pytest.raises(InvalidPackage):
        PackageDefinition("Empty", {}, price_cents=100)
    with pytest.raises(InvalidPackage):
        PackageDefinition(" ", {WALK: 1}, price_cents=100)
    with pytest.raises(InvalidAmount):
        PackageDefinition("Too generous", {WALK: 1}, discount_percent=Decimal("120"))


def test_r_pkg_1_a_set_price_covers_the_whole_visit_a_discount_its_percentage() -> None:
    assert PackageDefinition("Prepaid", {WALK: 5}, price_cents=10_000).covered_percent == Decimal(100)
    assert PackageDefinition("Loyalty", {WALK: 5}, discount_percent=Decimal("12.5")).covered_percent == Decimal("12.5")


def test_r_fac_6_a_facility_event_is_redeemed_apart_from_a_visit_with_the_same_id() -> None:
    held, same_id = package(), uuid4()
    held.redeem(item_id=same_id, service_id=WALK, on=date(2026, 3, 2))
    held.redeem(item_id=same_id, service_id=DAYCARE, on=date(2026, 3, 2), kind=RedeemedKind.FACILITY_EVENT)
    assert held.give_back(same_id, RedeemedKind.FACILITY_EVENT) is True
    assert [(r.item_id, r.kind) for r in held.redemptions] == [(same_id, RedeemedKind.VISIT)]


def test_r_pkg_1_editing_a_package_checks_it_again() -> None:
    sold = Package(uuid4(), uuid4(), PackageDefinition("Walks", {WALK: 5}, price_cents=10_000))
    assert sold.changed(name="More walks", active=False).definition.name == "More walks"
    with pytest.raises(InvalidPackage):
        sold.changed(discount_percent=Decimal(10))  # a price and a discount
    switched = sold.changed(price_cents=None, discount_percent=Decimal(10))
    assert (switched.definition.price_cents, switched.active) == (None, True)
