"""Packages (R-PKG-1, R-FAC-6): add to a client, redeem against visits and facility events, give a
redemption back when its visit is cancelled; a client's packages with what is used and left.
(Defining the packages a company sells: packages_catalogue.py.)

Every change of a client's package publishes `billing.package.changed` v1 (its whole state and
revision). Invoices are touched only through `invoice_effects`: a set price goes on a new invoice
when the package is added; a redeemed visit's (or facility event's own) line is covered (100 % for
a set-price package, its discount % otherwise) and uncovered when the redemption is given back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from petcare_contracts.events.billing import ClientPackageChanged, PackageServiceCount
from petcare_kit.errors import Conflict, NotFound
from petcare_kit.identity import Role

from billing.domain.packages import (
    AlreadyRedeemed,
    ClientPackage,
    ClientPackageNotFound,
    RedeemedKind,
    RedemptionNotFound,
)
from billing.service_layer import invoice_effects
from billing.service_layer.context import Context
from billing.service_layer.packages_commands import AddClientPackage, Redeem


class ClientNotFound(NotFound):
    code = "client_not_found"


class ClientInactive(Conflict):
    code = "client_inactive"


class PackageUnavailable(Conflict):
    """A disabled or ended package is no longer added to clients."""

    code = "package_unavailable"


def package_changed(held: ClientPackage) -> ClientPackageChanged:
    """`billing.package.changed` v1: the client's package as it is now."""
    return ClientPackageChanged(
        client_package_id=held.id, client_id=held.client_id, package_id=held.package_id, name=held.definition.name,
        ends_on=held.definition.ends_on,
        services=[PackageServiceCount(service_id=service_id, covered=covered, used=held.used(service_id))
                  for service_id, covered in held.definition.covers.items()],
        used=held.used(), remaining=held.remaining(), percent_used=str(held.percent_used()), revision=held.revision)


async def _publish(ctx: Context, held: ClientPackage) -> None:
    await ctx.publish(package_changed(held), company_id=held.company_id)


async def _cover(ctx: Context, kind: RedeemedKind, item_id: UUID, percent: Decimal | None) -> None:
    """The redeemed item's invoice line takes the package's cover (None: no longer covered); an item
    not invoiced yet takes it when its line comes (invoice_effects keeps it)."""
    if kind is RedeemedKind.VISIT:
        await invoice_effects.set_visit_package_cover(ctx, item_id, percent)
    else:
        await invoice_effects.set_facility_event_package_cover(ctx, item_id, percent)


async def _local_today(ctx: Context, now: datetime) -> date:
    zone = await ctx.uow.packages.time_zone(ctx.company_id)
    return now.astimezone(ZoneInfo(zone)).date() if zone else now.date()


async def add_to_client(ctx: Context, client_id: UUID, command: AddClientPackage) -> ClientPackage:
    """R-PKG-1 (managers): the client gets the package, with its terms as they are now. A set price
    (above 0) goes on a new invoice of the client (`invoice_effects.add_package_line`; never emailed).
    Raises ClientNotFound (404; another company's too), ClientInactive (409), PackageNotFound (404),
    PackageUnavailable (409: disabled, or its end date has passed in the company's calendar)."""
    client = await ctx.uow.packages.client(ctx.company_id, client_id)
    if client is None:
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})
    if not client.active:
        raise ClientInactive("This client is inactive: reactivate them first.", details={"client_id": str(client_id)})
    package = await ctx.uow.packages.get(ctx.company_id, command.package_id)
    definition, now = package.definition, ctx.now()
    if not package.active:
        raise PackageUnavailable("This package is disabled: it is no longer sold.",
                                 details={"reason": "disabled", "package_id": str(package.id)})
    if definition.ends_on is not None and definition.ends_on < await _local_today(ctx, now):
        raise PackageUnavailable("This package has ended: change its end date to sell it again.",
                                 details={"reason": "ended", "ends_on": definition.ends_on.isoformat()})
    held = ClientPackage(uuid4(), ctx.company_id, client_id, package.id, definition, added_at=now)
    if definition.price_cents:
        held.invoice_id = await invoice_effects.add_package_line(ctx, client_id, held.id, f"Package: {definition.name}",
                                                                 definition.price_cents)
    await ctx.uow.packages.add_held(held)
    await _publish(ctx, held)
    await ctx.commit()
    return held


async def _readable(ctx: Context, held: ClientPackage) -> ClientPackage:
    if ctx.identity.role is Role.CLIENT and held.client_id != ctx.identity.person_id:
        raise ClientPackageNotFound("No such package of a client in your company.")
    return held


async def client_packages(ctx: Context, client_id: UUID) -> list[ClientPackage]:
    """R-PKG-1, R-FAC-6: a client's packages, oldest first, with their redemptions (used, remaining,
    % used). Managers: any client of the company; a client: only their own (another's: 404)."""
    if ctx.identity.role is Role.CLIENT and client_id != ctx.identity.person_id:
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})
    if await ctx.uow.packages.client(ctx.company_id, client_id) is None:
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})
    return await ctx.uow.packages.held_by(ctx.company_id, client_id)


async def get_client_package(ctx: Context, client_package_id: UUID) -> ClientPackage:
    """One client's package (a client: their own only). Raises ClientPackageNotFound (404)."""
    return await _readable(ctx, await ctx.uow.packages.get_held(ctx.company_id, client_package_id))


async def redeem(ctx: Context, client_package_id: UUID, command: Redeem, *,
                 client_id: UUID | None = None) -> ClientPackage:
    """R-PKG-1, R-FAC-6 (managers): redeem one visit or facility event against the client's package
    (`client_id`, when the caller names the client, e.g. facility's Client Hub: the package must be
    theirs). The item's invoice line is covered (`invoice_effects.set_visit_package_cover`, or
    `set_facility_event_package_cover` for a facility event). Raises
    ClientPackageNotFound (404), AlreadyRedeemed (409: on another package), PackageCannotRedeem (409,
    `details.reason`: already_redeemed, not_covered, used_up, ended, limit), TotalBelowPaid (409: the
    cover would leave a paid invoice owing less than was paid; nothing changes)."""
    held = await ctx.uow.packages.get_held(ctx.company_id, client_package_id, for_update=True)
    if client_id is not None and held.client_id != client_id:
        raise ClientPackageNotFound("No such package of this client.",
                                    details={"client_package_id": str(client_package_id)})
    elsewhere = [other for other in await ctx.uow.packages.redeeming(ctx.company_id, command.id, command.kind)
                 if other.id != held.id]
    if elsewhere:
        what = command.kind.value.replace("_", " ")
        raise AlreadyRedeemed(f"This {what} is already redeemed against another package.",
                              details={"client_package_id": str(elsewhere[0].id)})
    # The invoice's money check first (TotalBelowPaid), so a refusal leaves the package unused.
    await invoice_effects.check_package_cover(ctx, command.id, held.definition.covered_percent,
                                              facility=command.kind is RedeemedKind.FACILITY_EVENT)
    held.redeem(item_id=command.id, service_id=command.service_id, on=command.date, kind=command.kind, at=ctx.now())
    await ctx.uow.packages.save_held(held)
    await _cover(ctx, command.kind, command.id, held.definition.covered_percent)
    await _publish(ctx, held)
    await ctx.commit()
    return held


async def give_back(ctx: Context, client_package_id: UUID, item_id: UUID,
                    kind: RedeemedKind = RedeemedKind.VISIT) -> ClientPackage:
    """R-PKG-1 (managers): undo a redemption by hand; the item's invoice line is no longer covered.
    Raises ClientPackageNotFound, RedemptionNotFound (404)."""
    held = await ctx.uow.packages.get_held(ctx.company_id, client_package_id, for_update=True)
    if not held.give_back(item_id, kind):
        raise RedemptionNotFound("That visit is not redeemed against this package.",
                                 details={"kind": kind.value, "id": str(item_id)})
    await ctx.uow.packages.save_held(held)
    await _cover(ctx, kind, item_id, None)
    await _publish(ctx, held)
    await ctx.commit()
    return held


async def give_back_visit(ctx: Context, visit_id: UUID) -> int:
    """R-PKG-1: a cancelled (or deleted) visit's redemptions go back to their packages; publishes
    `billing.package.changed` for each package changed and uncovers the visit's invoice line
    (`set_visit_package_cover(..., None)`). Idempotent: a visit not (or no longer) redeemed changes
    nothing and publishes nothing. `ctx` must carry the company (the consumer's
    `Identity(Role.INTERNAL, company_id=envelope.company_id)`). Never commits (the consumer's batch
    does). Returns how many redemptions were given back (0 when the visit redeemed nothing)."""
    given_back = 0
    for held in await ctx.uow.packages.redeeming(ctx.company_id, visit_id, RedeemedKind.VISIT, for_update=True):
        if held.give_back(visit_id):
            await ctx.uow.packages.save_held(held)
            await _publish(ctx, held)
            given_back += 1
    if given_back:
        await invoice_effects.set_visit_package_cover(ctx, visit_id, None)
    return given_back
