"""The API of packages, clients' packages and redemptions (R-PKG-1, R-FAC-6). Thin: parse, call one use
case, shape the answer. Managers define packages, add them to clients and redeem; a client reads only
their own packages (the portal). Staff have no billing access. Creating POSTs accept Idempotency-Key."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response
from petcare_kit.identity import MANAGERS, Role, allow
from petcare_kit.validation import Limit, Offset

from billing.domain.packages import RedeemedKind
from billing.entrypoints.api.deps import ContextDep
from billing.entrypoints.api.package_schemas import ClientPackageList, ClientPackageView, PackagePage, PackageView
from billing.service_layer import packages, packages_catalogue
from billing.service_layer.packages_commands import AddClientPackage, DefinePackage, Redeem, UpdatePackage

router = APIRouter(tags=["packages"])


@router.post("/packages", status_code=201, response_model=PackageView, **allow(*MANAGERS))
async def define_package(body: DefinePackage, ctx: ContextDep) -> PackageView:
    """R-PKG-1: a set `price_cents` or a `discount_percent`, the services and counts it covers, a
    `limit` and an `ends_on`. 422 `invalid_package` (both or neither of price and discount)."""
    return PackageView.of(await packages_catalogue.define_package(ctx, body))


@router.get("/packages", response_model=PackagePage, **allow(*MANAGERS))
async def list_packages(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0,
                        active: bool | None = None) -> PackagePage:
    """By name; `active` narrows the list."""
    found = await packages_catalogue.list_packages(ctx, limit=limit, offset=offset, active=active)
    return PackagePage(items=[PackageView.of(p) for p in found], limit=limit, offset=offset)


@router.get("/packages/{package_id}", response_model=PackageView, **allow(*MANAGERS))
async def get_package(package_id: UUID, ctx: ContextDep) -> PackageView:
    return PackageView.of(await packages_catalogue.get_package(ctx, package_id))


@router.patch("/packages/{package_id}", response_model=PackageView, **allow(*MANAGERS))
async def update_package(package_id: UUID, body: UpdatePackage, ctx: ContextDep) -> PackageView:
    """Edit, or `active: false` to disable (no longer sold). Clients who hold it keep their terms."""
    return PackageView.of(await packages_catalogue.update_package(ctx, package_id, body))


@router.delete("/packages/{package_id}", status_code=204, **allow(*MANAGERS))
async def delete_package(package_id: UUID, ctx: ContextDep) -> Response:
    """Only a package never added to a client: 409 `package_sold` otherwise (disable it instead)."""
    await packages_catalogue.delete_package(ctx, package_id)
    return Response(status_code=204)


@router.post("/clients/{client_id}/packages", status_code=201, response_model=ClientPackageView,
             **allow(*MANAGERS))
async def add_client_package(client_id: UUID, body: AddClientPackage, ctx: ContextDep) -> ClientPackageView:
    """R-PKG-1: add a package to the client; a set price goes on a new invoice (`invoice_id`).
    404 `client_not_found` / `package_not_found`; 409 `client_inactive`, `package_unavailable`."""
    return ClientPackageView.of(await packages.add_to_client(ctx, client_id, body))


@router.get("/clients/{client_id}/packages", response_model=ClientPackageList, **allow(*MANAGERS, Role.CLIENT))
async def list_client_packages(client_id: UUID, ctx: ContextDep) -> ClientPackageList:
    """R-PKG-1, R-FAC-6: used / remaining / % used per service and in total. A client: their own only."""
    return ClientPackageList(items=[ClientPackageView.of(h) for h in await packages.client_packages(ctx, client_id)])


@router.get("/client-packages/{client_package_id}", response_model=ClientPackageView,
            **allow(*MANAGERS, Role.CLIENT))
async def get_client_package(client_package_id: UUID, ctx: ContextDep) -> ClientPackageView:
    return ClientPackageView.of(await packages.get_client_package(ctx, client_package_id))


@router.post("/client-packages/{client_package_id}/redemptions", status_code=201, response_model=ClientPackageView,
             **allow(*MANAGERS))
async def redeem(client_package_id: UUID, body: Redeem, ctx: ContextDep) -> ClientPackageView:
    """R-PKG-1, R-FAC-6: redeem a visit or facility event (`kind`, `id`, `service_id`, its local
    `date`). 409 `package_cannot_redeem` with `details.reason` (already_redeemed, not_covered,
    used_up, ended, limit); 409 `already_redeemed` (on another package)."""
    return ClientPackageView.of(await packages.redeem(ctx, client_package_id, body))


@router.delete("/client-packages/{client_package_id}/redemptions/{item_id}", response_model=ClientPackageView,
               **allow(*MANAGERS))
async def give_back(client_package_id: UUID, item_id: UUID, ctx: ContextDep,
                    kind: RedeemedKind = RedeemedKind.VISIT) -> ClientPackageView:
    """Undo a redemption by hand (a cancelled visit's is given back by itself). 404 `redemption_not_found`."""
    return ClientPackageView.of(await packages.give_back(ctx, client_package_id, item_id, kind))
