"""What the packages API answers (R-PKG-1, R-FAC-6): one pydantic model per answer, so the merged
OpenAPI document says exactly what comes back. Percentages are decimal text with two places."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel

from billing.domain.packages import ClientPackage, Package, PackageDefinition, PackageLimit, RedeemedKind


class ServiceCountView(BaseModel):
    service_id: UUID
    count: int


def _services(definition: PackageDefinition) -> list[ServiceCountView]:
    return [ServiceCountView(service_id=s, count=c) for s, c in definition.covers.items()]


class PackageView(BaseModel):
    id: UUID
    name: str
    price_cents: int | None
    """Integer cents: a set price (the package covers its visits in full); null for a discount package."""
    discount_percent: str | None
    """e.g. "15.00": the share of each redeemed visit's price the package covers; null for a set price."""
    services: list[ServiceCountView]
    limit: PackageLimit
    """At most one use per day (same_day), ISO week (same_week), calendar month (same_month), or none."""
    ends_on: date | None
    """The last local date it can be redeemed; null: never ends."""
    active: bool
    """false: disabled, no longer sold (clients who hold it keep using it)."""

    @classmethod
    def of(cls, package: Package) -> PackageView:
        d = package.definition
        return cls(id=package.id, name=d.name, price_cents=d.price_cents,
                   discount_percent=None if d.discount_percent is None else f"{d.discount_percent:.2f}",
                   services=_services(d), limit=d.limit, ends_on=d.ends_on, active=package.active)


class PackagePage(BaseModel):
    items: list[PackageView]
    limit: int
    offset: int


class ServiceUseView(BaseModel):
    """One covered service of a client's package: covered, used, remaining, % used."""

    service_id: UUID
    covered: int
    used: int
    remaining: int
    percent_used: str


class RedemptionView(BaseModel):
    kind: RedeemedKind
    id: UUID
    """The visit's or facility event's id."""
    service_id: UUID
    date: date
    redeemed_at: datetime | None


class ClientPackageView(BaseModel):
    """A client's package with the terms it was sold with, what is used and left per service and in
    total (R-PKG-1, R-FAC-6), and its redemptions."""

    id: UUID
    client_id: UUID
    package_id: UUID
    name: str
    price_cents: int | None
    discount_percent: str | None
    limit: PackageLimit
    ends_on: date | None
    invoice_id: UUID | None
    """The invoice its set price went on."""
    services: list[ServiceUseView]
    used: int
    remaining: int
    percent_used: str
    """e.g. "33.33"."""
    redemptions: list[RedemptionView]
    revision: int
    added_at: datetime | None

    @classmethod
    def of(cls, held: ClientPackage) -> ClientPackageView:
        d = held.definition
        return cls(
            id=held.id, client_id=held.client_id, package_id=held.package_id, name=d.name, price_cents=d.price_cents,
            discount_percent=None if d.discount_percent is None else f"{d.discount_percent:.2f}", limit=d.limit,
            ends_on=d.ends_on, invoice_id=held.invoice_id,
            services=[ServiceUseView(service_id=s, covered=c, used=held.used(s), remaining=held.remaining(s),
                                     percent_used=str(held.percent_used(s))) for s, c in d.covers.items()],
            used=held.used(), remaining=held.remaining(), percent_used=str(held.percent_used()),
            redemptions=[RedemptionView(kind=r.kind, id=r.item_id, service_id=r.service_id, date=r.on,
                                        redeemed_at=r.redeemed_at) for r in held.redemptions],
            revision=held.revision, added_at=held.added_at)


class ClientPackageList(BaseModel):
    items: list[ClientPackageView]
