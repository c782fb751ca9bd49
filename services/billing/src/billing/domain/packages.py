"""Packages, R-PKG-1 (and R-FAC-6): a set price or a discount %, the services and how many of
each it covers, a limit and an end date; added to a client; redeemed against visits or facility
events; used / remaining / % used; cancelling a redeemed visit returns it.

The limit (none, same day, same week, same month) is read as: at most one redemption of the
package per calendar day, ISO week (Monday..Sunday) or calendar month of the visit's local date.

What is redeemed is generic (`RedeemedKind`: a scheduling visit or a facility event, by id), so the
facility service redeems its events through the same rules. A client's package keeps the terms it was
sold with (its own copy of the definition): editing the catalogue's package changes later sales only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from petcare_kit.errors import Conflict, InvalidInput, NotFound

from billing.domain.money import HUNDRED, check_percent


class PackageLimit(StrEnum):
    NONE = "none"
    SAME_DAY = "same_day"
    SAME_WEEK = "same_week"
    SAME_MONTH = "same_month"


class InvalidPackage(InvalidInput):
    code = "invalid_package"


class PackageCannotRedeem(Conflict):
    code = "package_cannot_redeem"


class PackageNotFound(NotFound):
    code = "package_not_found"


class ClientPackageNotFound(NotFound):
    code = "client_package_not_found"


class RedemptionNotFound(NotFound):
    code = "redemption_not_found"


class PackageSold(Conflict):
    """A package that was ever added to a client is disabled, never deleted."""

    code = "package_sold"


class AlreadyRedeemed(Conflict):
    """A visit (or facility event) is redeemed against one package at most."""

    code = "already_redeemed"


class RedeemedKind(StrEnum):
    """What a package is redeemed against: a scheduling visit or a facility event (R-FAC-6)."""

    VISIT = "visit"
    FACILITY_EVENT = "facility_event"


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

    @property
    def covered_percent(self) -> Decimal:
        """How much of a redeemed visit's price the package covers: 100 for a set-price package
        (paid when sold), its discount % otherwise."""
        return HUNDRED if self.discount_percent is None else self.discount_percent


@dataclass(frozen=True)
class Package:
    """A package of the company's catalogue. Disabled (`active=False`) it is no longer sold; the
    clients who hold it keep using it."""

    id: UUID
    company_id: UUID
    definition: PackageDefinition
    active: bool = True

    def changed(self, *, active: bool | None = None, **definition: Any) -> Package:
        """A copy with the given definition fields (name, covers, price_cents, discount_percent,
        limit, ends_on) and `active` changed; the definition is checked again (InvalidPackage)."""
        new = replace(self.definition, **definition) if definition else self.definition
        return replace(self, definition=new, active=self.active if active is None else active)


@dataclass(frozen=True)
class Redemption:
    """One use: `item_id` (a visit's or facility event's id, of `kind`) of `service_id` on the
    item's local date `on`."""

    item_id: UUID
    service_id: UUID
    on: date
    kind: RedeemedKind = RedeemedKind.VISIT
    redeemed_at: datetime | None = None


@dataclass
class ClientPackage:
    """A package added to a client, with its redemptions (one per visit or facility event).
    `definition` is the package's terms when it was added; `invoice_id` the invoice its set price
    went on (None for a discount package); `revision` grows with every change (published)."""

    id: UUID
    company_id: UUID
    client_id: UUID
    package_id: UUID
    definition: PackageDefinition
    redemptions: list[Redemption] = field(default_factory=list)
    invoice_id: UUID | None = None
    revision: int = 1
    added_at: datetime | None = None

    def used(self, service_id: UUID | None = None) -> int:
        """Redemptions, of one service or of all."""
        return sum(1 for r in self.redemptions if service_id is None or r.service_id == service_id)

    def remaining(self, service_id: UUID | None = None) -> int:
        """What is left, of one service or of all."""
        covered = self.definition.total_count if service_id is None else self.definition.covers.get(service_id, 0)
        return covered - self.used(service_id)

    def percent_used(self, service_id: UUID | None = None) -> Decimal:
        """% of the covered uses redeemed (of one service, or of all), to two decimals (e.g. 1 of 3
        → 33.33); 0.00 for a service the package does not cover."""
        covered = self.definition.total_count if service_id is None else self.definition.covers.get(service_id, 0)
        if not covered:
            return Decimal("0.00")
        share = Decimal(100 * self.used(service_id)) / Decimal(covered)
        return share.quantize(Decimal("0.01"))

    def redemption_of(self, item_id: UUID, kind: RedeemedKind = RedeemedKind.VISIT) -> Redemption | None:
        return next((r for r in self.redemptions if (r.item_id, r.kind) == (item_id, kind)), None)

    def redeem(self, *, item_id: UUID, service_id: UUID, on: date, kind: RedeemedKind = RedeemedKind.VISIT,
               at: datetime | None = None) -> Redemption:
        """R-PKG-1: redeem one use for the visit (or facility event, `kind`) `item_id` of
        `service_id` on its local date `on` (`at`: when, recorded). Raises `PackageCannotRedeem`
        (409) when the item is already redeemed, the service is not covered or used up, the package
        has ended, or the limit is reached. Bumps `revision`."""
        definition = self.definition
        if self.redemption_of(item_id, kind) is not None:
            raise PackageCannotRedeem("This visit is already redeemed against the package.",
                                      details={"reason": "already_redeemed"})
        if service_id not in definition.covers:
            raise PackageCannotRedeem("The package does not cover this service.",
                                      details={"reason": "not_covered", "service_id": str(service_id)})
        if self.remaining(service_id) <= 0:
            raise PackageCannotRedeem("The package has none of this service left.",
                                      details={"reason": "used_up", "service_id": str(service_id)})
        if definition.ends_on is not None and on > definition.ends_on:
            raise PackageCannotRedeem("The package ended before this visit.",
                                      details={"reason": "ended", "ends_on": definition.ends_on.isoformat()})
        if definition.limit is not PackageLimit.NONE:
            period = _period(definition.limit, on)
            if any(_period(definition.limit, r.on) == period for r in self.redemptions):
                raise PackageCannotRedeem(f"The package allows one use per {definition.limit.removeprefix('same_')}.",
                                          details={"reason": "limit", "limit": definition.limit.value})
        redemption = Redemption(item_id, service_id, on, kind, at)
        self.redemptions.append(redemption)
        self.revision += 1
        return redemption

    def give_back(self, item_id: UUID, kind: RedeemedKind = RedeemedKind.VISIT) -> bool:
        """R-PKG-1: a cancelled visit's redemption goes back to the package. Returns whether one
        was returned (False when the visit was not redeemed: cancelling twice is harmless); bumps
        `revision` only when one was."""
        before = len(self.redemptions)
        self.redemptions = [r for r in self.redemptions if (r.item_id, r.kind) != (item_id, kind)]
        if len(self.redemptions) == before:
            return False
        self.revision += 1
        return True
