"""Packages, R-PKG-1 (and R-FAC-6): a set price or a discount %, the services and how many of
each it covers, a limit and an end date; added to a client; redeemed against visits or facility
events; used / remaining / % used; cancelling a redeemed visit returns it.

The limit (none, same day, same week, same month) is read as: at most one redemption of the
package per calendar day, ISO week (Monday..Sunday) or calendar month of the visit's local date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from petcare_kit.errors import Conflict, InvalidInput

from billing.domain.money import check_percent


class PackageLimit(StrEnum):
    NONE = "none"
    SAME_DAY = "same_day"
    SAME_WEEK = "same_week"
    SAME_MONTH = "same_month"


class InvalidPackage(InvalidInput):
    code = "invalid_package"


class PackageCannotRedeem(Conflict):
    code = "package_cannot_redeem"


def _period(limit: PackageLimit, day: date) -> tuple[int, ...]:
    match limit:
        case PackageLimit.SAME_DAY:
            return (day.toordinal(),)
        case PackageLimit.SAME_WEEK:
            iso = day.isocalendar()
            return (iso.year, iso.week)
        case PackageLimit.SAME_MONTH:
            return (day.year, day.month)
        case PackageLimit.NONE:
            return ()


@dataclass(frozen=True)
class PackageDefinition:
    """A package the business sells: `price_cents` or `discount_percent` (exactly one), `covers`
    {service_id: count ≥ 1}, `limit`, `ends_on` (last local day it can be redeemed; None = never)."""

    name: str
    covers: Mapping[UUID, int]
    price_cents: int | None = None
    discount_percent: Decimal | None = None
    limit: PackageLimit = PackageLimit.NONE
    ends_on: date | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidPackage("A package needs a name.")
        if (self.price_cents is None) == (self.discount_percent is None):
            raise InvalidPackage("A package has either a set price or a discount percentage.")
        if self.price_cents is not None and self.price_cents < 0:
            raise InvalidPackage("A package price must not be negative.")
        if self.discount_percent is not None:
            check_percent(self.discount_percent, field="discount_percent")
        if not self.covers or any(count < 1 for count in self.covers.values()):
            raise InvalidPackage("A package covers at least one service, each at least once.")

    @property
    def total_count(self) -> int:
        return sum(self.covers.values())


@dataclass(frozen=True)
class Redemption:
    visit_id: UUID
    service_id: UUID
    on: date


@dataclass
class ClientPackage:
    """A package added to a client, with its redemptions (one per visit or facility event)."""

    definition: PackageDefinition
    redemptions: list[Redemption] = field(default_factory=list)

    def used(self, service_id: UUID | None = None) -> int:
        """Redemptions, of one service or of all."""
        return sum(1 for r in self.redemptions if service_id is None or r.service_id == service_id)

    def remaining(self, service_id: UUID | None = None) -> int:
        """What is left, of one service or of all."""
        covered = self.definition.total_count if service_id is None else self.definition.covers.get(service_id, 0)
        return covered - self.used(service_id)

    def percent_used(self) -> Decimal:
        """% of all covered uses redeemed, to two decimals (e.g. 1 of 3 → 33.33)."""
        share = Decimal(100 * self.used()) / Decimal(self.definition.total_count)
        return share.quantize(Decimal("0.01"))

    def redeem(self, *, visit_id: UUID, service_id: UUID, on: date) -> Redemption:
        """R-PKG-1: redeem one use for the visit (or facility event) `visit_id` of `service_id` on
        local date `on`. Raises `PackageCannotRedeem` (409) when the visit is already redeemed, the
        service is not covered or used up, the package has ended, or the limit is reached."""
        definition = self.definition
        if any(r.visit_id == visit_id for r in self.redemptions):
            raise PackageCannotRedeem("This visit is already redeemed against the package.")
        if service_id not in definition.covers:
            raise PackageCannotRedeem("The package does not cover this service.")
        if self.remaining(service_id) <= 0:
            raise PackageCannotRedeem("The package has none of this service left.")
        if definition.ends_on is not None and on > definition.ends_on:
            raise PackageCannotRedeem("The package ended before this visit.",
                                      details={"ends_on": definition.ends_on.isoformat()})
        if definition.limit is not PackageLimit.NONE:
            period = _period(definition.limit, on)
            if any(_period(definition.limit, r.on) == period for r in self.redemptions):
                raise PackageCannotRedeem(f"The package allows one use per {definition.limit.removeprefix('same_')}.",
                                          details={"limit": definition.limit.value})
        redemption = Redemption(visit_id, service_id, on)
        self.redemptions.append(redemption)
        return redemption

    def return_visit(self, visit_id: UUID) -> bool:
        """R-PKG-1: a cancelled visit's redemption goes back to the package. Returns whether one
        was returned (False when the visit was not redeemed: cancelling twice is harmless)."""
        before = len(self.redemptions)
        self.redemptions = [r for r in self.redemptions if r.visit_id != visit_id]
        return len(self.redemptions) != before
