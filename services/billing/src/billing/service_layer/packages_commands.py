"""What callers ask of packages (R-PKG-1, R-FAC-6), one command per use case; also the API's request
bodies (unknown fields refused, sizes bounded: bad input is a 422 before anything changes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from petcare_kit.validation import NOT_SENT, AsciiInteger, AsciiNumber, PatchBody
from pydantic import AfterValidator, Field, StringConstraints

from billing.domain.packages import PackageLimit, RedeemedKind
from billing.service_layer.commands import Command

EARLIEST, LATEST = date(2000, 1, 1), date(2199, 12, 31)


def _bounded_date(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"a date between {EARLIEST} and {LATEST}")
    return value


def _distinct_services(value: list[ServiceCount]) -> list[ServiceCount]:
    if len({cover.service_id for cover in value}) != len(value):
        raise ValueError("each service once")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Cents = Annotated[int, AsciiInteger, Field(ge=0, le=100_000_000, description="integer cents (exact money)")]
Percent = Annotated[Decimal, AsciiNumber, Field(ge=0, le=100, max_digits=5, decimal_places=2,
                                   description='a percentage with at most two decimals, "0".."100"')]
LocalDate = Annotated[date, AfterValidator(_bounded_date)]
"""A local date of the company's calendar."""


class ServiceCount(Command):
    """`count` uses of `service_id` (a service of the scheduling catalogue or a facility service)."""

    service_id: UUID
    count: Annotated[int, AsciiInteger] = Field(ge=1, le=10_000)


Covers = Annotated[list[ServiceCount], Field(min_length=1, max_length=100), AfterValidator(_distinct_services)]


class DefinePackage(Command):
    """R-PKG-1: a set `price_cents` or a `discount_percent` (exactly one), the `services` it covers
    and how many of each, a `limit` (at most one use per day / ISO week / month, or none) and an
    optional `ends_on` (the last local date it can be redeemed)."""

    name: Name
    services: Covers
    price_cents: Cents | None = None
    discount_percent: Percent | None = None
    limit: PackageLimit = PackageLimit.NONE
    ends_on: LocalDate | None = None


class UpdatePackage(PatchBody):
    """Rename, reprice (send `price_cents` and `discount_percent: null` to switch), change what it
    covers, its limit or end date, or disable it (`active: false`: no longer sold). Clients who hold
    it keep the terms they got."""

    name: Name = NOT_SENT
    services: Covers = NOT_SENT
    price_cents: Cents | None = None
    discount_percent: Percent | None = None
    limit: PackageLimit = NOT_SENT
    ends_on: LocalDate | None = None
    active: bool = NOT_SENT


class AddClientPackage(Command):
    """R-PKG-1: give the client the package `package_id` (a set price goes on a new invoice)."""

    package_id: UUID


class Redeem(Command):
    """R-PKG-1, R-FAC-6: what is redeemed, generic so facility redeems its events the same way:
    `kind` (visit or facility_event), its `id`, its `service_id` and its local `date` (the limit
    and the end date are counted on it)."""

    kind: RedeemedKind = RedeemedKind.VISIT
    id: UUID
    service_id: UUID
    date: LocalDate
