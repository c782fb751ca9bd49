"""Use cases of the packages a company sells (R-PKG-1): define, list, edit, disable, delete one never
sold. Managers only (the routes check; these take the caller's company). Each commits once."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from billing.domain.packages import InvalidPackage, Package, PackageDefinition, PackageSold
from billing.service_layer.context import Context
from billing.service_layer.packages_commands import DefinePackage, ServiceCount, UpdatePackage


def _covers(services: list[ServiceCount] | list[dict[str, Any]]) -> dict[UUID, int]:
    pairs = [(s.service_id, s.count) if isinstance(s, ServiceCount) else (UUID(str(s["service_id"])), s["count"])
             for s in services]
    return dict(pairs)


async def _check_ends_on(ctx: Context, ends_on: date | None) -> None:
    """R-PKG-1: a package set to end on a local date already past in the company's zone could never
    be sold nor redeemed: refused (InvalidPackage, 422). Today's date is still allowed."""
    if ends_on is None:
        return
    zone, now = await ctx.uow.packages.time_zone(ctx.company_id), ctx.now()
    today = now.astimezone(ZoneInfo(zone)).date() if zone else now.date()
    if ends_on < today:
        raise InvalidPackage("The end date is in the past: choose today or a later date, or none.",
                             details={"ends_on": ends_on.isoformat(), "today": today.isoformat()})


async def define_package(ctx: Context, command: DefinePackage) -> Package:
    """R-PKG-1: a new package of the company. Raises InvalidPackage (422: a price and a discount, or
    neither; an end date already past in the company's zone)."""
    await _check_ends_on(ctx, command.ends_on)
    definition = PackageDefinition(command.name, _covers(command.services), command.price_cents,
                                   command.discount_percent, command.limit, command.ends_on)
    package = Package(uuid4(), ctx.company_id, definition)
    await ctx.uow.packages.add(package)
    await ctx.commit()
    return package


async def update_package(ctx: Context, package_id: UUID, command: UpdatePackage) -> Package:
    """R-PKG-1: edit or disable (`active`). Clients who hold it keep the terms they were sold.
    Raises PackageNotFound (404), InvalidPackage (422; also an end date set to a past date)."""
    package = await ctx.uow.packages.get(ctx.company_id, package_id)
    changes = command.changes()
    if "ends_on" in changes:
        await _check_ends_on(ctx, changes["ends_on"])
    if "services" in changes:
        changes["covers"] = _covers(changes.pop("services"))
    changed = package.changed(**changes)
    await ctx.uow.packages.save(changed)
    await ctx.commit()
    return changed


async def get_package(ctx: Context, package_id: UUID) -> Package:
    """Raises PackageNotFound (404; another company's too)."""
    return await ctx.uow.packages.get(ctx.company_id, package_id)


async def list_packages(ctx: Context, *, limit: int, offset: int, active: bool | None = None) -> list[Package]:
    """The company's packages by name; `active` narrows the list."""
    return await ctx.uow.packages.page(ctx.company_id, limit=limit, offset=offset, active=active)


async def delete_package(ctx: Context, package_id: UUID) -> None:
    """Delete a package never added to a client (a mistake); one that was sold is disabled instead.
    Raises PackageNotFound (404), PackageSold (409)."""
    await ctx.uow.packages.get(ctx.company_id, package_id)
    if await ctx.uow.packages.was_sold(ctx.company_id, package_id):
        raise PackageSold("This package was added to a client: disable it (active: false) instead of deleting it.",
                          details={"package_id": str(package_id)})
    await ctx.uow.packages.delete(ctx.company_id, package_id)
    await ctx.commit()
