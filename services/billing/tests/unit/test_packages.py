"""R-PKG-1: packages defined, redeemed, limited, counted and returned."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from billing.domain.money import InvalidAmount
from billing.domain.packages import (
    ClientPackage,
    InvalidPackage,
    PackageCannotRedeem,
    PackageDefinition,
    PackageLimit,
)

WALK, DAYCARE = uuid4(), uuid4()


def package(limit: PackageLimit = PackageLimit.NONE, ends_on: date | None = None) -> ClientPackage:
    return ClientPackage(PackageDefinition("10 walks + daycare", {WALK: 2, DAYCARE: 1}, price_cents=9_000,
                                           limit=limit, ends_on=ends_on))


def test_r_pkg_1_used_remaining_and_percent_used() -> None:
    held = package()
    held.redeem(visit_id=uuid4(), service_id=WALK, on=date(2026, 3, 2))
    assert held.used() == 1
    assert held.remaining() == 2
    assert held.remaining(WALK) == 1
    assert held.remaining(DAYCARE) == 1
    assert held.percent_used() == Decimal("33.33")


def test_r_pkg_1_a_used_up_or_uncovered_service_cannot_be_redeemed() -> None:
    held = package()
    held.redeem(visit_id=uuid4(), service_id=DAYCARE, on=date(2026, 3, 2))
    with pytest.raises(PackageCannotRedeem):
        held.redeem(visit_id=uuid4(), service_id=DAYCARE, on=date(2026, 3, 3))
    with pytest.raises(PackageCannotRedeem):
        held.redeem(visit_id=uuid4(), service_id=uuid4(), on=date(2026, 3, 3))


def test_r_pkg_1_a_visit_is_redeemed_once() -> None:
    held, visit = package(), uuid4()
    held.redeem(visit_id=visit, service_id=WALK, on=date(2026, 3, 2))
    with pytest.raises(PackageCannotRedeem):
        held.redeem(visit_id=visit, service_id=WALK, on=date(2026, 3, 2))


def test_r_pkg_1_the_end_date_is_enforced() -> None:
    held = package(ends_on=date(2026, 3, 31))
    held.redeem(visit_id=uuid4(), service_id=WALK, on=date(2026, 3, 31))
    with pytest.raises(PackageCannotRedeem):
        held.redeem(visit_id=uuid4(), service_id=WALK, on=date(2026, 4, 1))


@pytest.mark.parametrize(("limit", "refused", "allowed"), [
    (PackageLimit.SAME_DAY, date(2026, 3, 4), date(2026, 3, 5)),
    (PackageLimit.SAME_WEEK, date(2026, 3, 8), date(2026, 3, 9)),  # Wed 4th; Sun 8th same ISO week; Mon 9th next
    (PackageLimit.SAME_MONTH, date(2026, 3, 31), date(2026, 4, 1)),
])
def test_r_pkg_1_the_limit_allows_one_use_per_period(limit: PackageLimit, refused: date, allowed: date) -> None:
    held = package(limit)
    held.redeem(visit_id=uuid4(), service_id=WALK, on=date(2026, 3, 4))
    with pytest.raises(PackageCannotRedeem):
        held.redeem(visit_id=uuid4(), service_id=WALK, on=refused)
    held.redeem(visit_id=uuid4(), service_id=WALK, on=allowed)


def test_r_pkg_1_no_limit_allows_several_uses_a_day() -> None:
    held = package()
    held.redeem(visit_id=uuid4(), service_id=WALK, on=date(2026, 3, 4))
    held.redeem(visit_id=uuid4(), service_id=DAYCARE, on=date(2026, 3, 4))
    assert held.used() == 2


def test_r_pkg_1_cancelling_a_redeemed_visit_returns_it() -> None:
    held, visit = package(), uuid4()
    held.redeem(visit_id=visit, service_id=WALK, on=date(2026, 3, 2))
    assert held.return_visit(visit) is True
    assert held.remaining(WALK) == 2
    assert held.return_visit(visit) is False  # cancelling twice is harmless
    held.redeem(visit_id=visit, service_id=WALK, on=date(2026, 3, 2))  # can be redeemed again


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
