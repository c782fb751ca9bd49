"""SQL for packages, clients' packages and redemptions (R-PKG-1). Never commits: the unit of work does."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any
from uuid import UUID

from petcare_kit.client_directory import Directory, DirectoryPerson
from sqlalchemy import delete, exists, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.packages_tables import client_packages, package_redemptions, packages
from billing.domain.packages import (
    AlreadyRedeemed,
    ClientPackage,
    ClientPackageNotFound,
    Package,
    PackageDefinition,
    PackageLimit,
    PackageNotFound,
    RedeemedKind,
    Redemption,
)


def _terms(definition: PackageDefinition) -> dict[str, Any]:
    return {"name": definition.name, "price_cents": definition.price_cents,
            "discount_percent": definition.discount_percent,
            "covers": {str(service_id): count for service_id, count in definition.covers.items()},
            "use_limit": definition.limit.value, "ends_on": definition.ends_on}


def _definition(row: Any) -> PackageDefinition:
    discount = Decimal(row.discount_percent) if row.discount_percent is not None else None
    return PackageDefinition(row.name, {UUID(key): int(count) for key, count in row.covers.items()},
                             row.price_cents, discount, PackageLimit(row.use_limit), row.ends_on)


def _package(row: Any) -> Package:
    return Package(row.id, row.company_id, _definition(row), row.active)


def _redemption(row: Any) -> Redemption:
    return Redemption(row.item_id, row.service_id, row.redeemed_on, RedeemedKind(row.kind), row.redeemed_at)


class SqlPackages:
    """The packages repository on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ---- the catalogue ----
    async def add(self, package: Package) -> None:
        await self.session.execute(insert(packages).values(id=package.id, company_id=package.company_id,
                                                            active=package.active, **_terms(package.definition)))

    async def save(self, package: Package) -> None:
        await self.session.execute(update(packages).where(
            packages.c.company_id == package.company_id, packages.c.id == package.id)
            .values(active=package.active, **_terms(package.definition)))

    async def get(self, company_id: UUID, package_id: UUID) -> Package:
        row = (await self.session.execute(select(packages).where(
            packages.c.company_id == company_id, packages.c.id == package_id))).one_or_none()
        if row is None:
            raise PackageNotFound("No such package in your company.", details={"package_id": str(package_id)})
        return _package(row)

    async def page(self, company_id: UUID, *, limit: int, offset: int, active: bool | None = None) -> list[Package]:
        query = select(packages).where(packages.c.company_id == company_id)
        if active is not None:
            query = query.where(packages.c.active.is_(active))
        query = query.order_by(packages.c.name, packages.c.id).limit(limit).offset(offset)
        return [_package(row) for row in await self.session.execute(query)]

    async def was_sold(self, company_id: UUID, package_id: UUID) -> bool:
        return bool(await self.session.scalar(select(exists().where(
            client_packages.c.company_id == company_id, client_packages.c.package_id == package_id))))

    async def delete(self, company_id: UUID, package_id: UUID) -> None:
        await self.session.execute(delete(packages).where(packages.c.company_id == company_id,
                                                          packages.c.id == package_id))

    # ---- who may hold one ----
    async def client(self, company_id: UUID, client_id: UUID) -> DirectoryPerson | None:
        person = await Directory(self.session).person(company_id, client_id)
        return person if person is not None and person.kind == "client" else None

    async def time_zone(self, company_id: UUID) -> str | None:
        company = await Directory(self.session).company(company_id)
        return company.time_zone if company is not None else None

    # ---- clients' packages ----
    async def add_held(self, held: ClientPackage) -> None:
        values = {"id": held.id, "company_id": held.company_id, "client_id": held.client_id,
                  "package_id": held.package_id, "invoice_id": held.invoice_id, "revision": held.revision,
                  **_terms(held.definition)}
        if held.added_at is not None:
            values["added_at"] = held.added_at
        await self.session.execute(insert(client_packages).values(**values))
        await self._insert_redemptions(held, held.redemptions)

    async def save_held(self, held: ClientPackage) -> None:
        # Redemptions first: when another package took the item meanwhile (AlreadyRedeemed), nothing
        # of this package has been written yet, even inside a consumer's batch that goes on.
        stored = {(r.kind, r.item_id) for r in await self.session.execute(
            select(package_redemptions.c.kind, package_redemptions.c.item_id).where(
                package_redemptions.c.client_package_id == held.id))}
        now = {(r.kind.value, r.item_id) for r in held.redemptions}
        await self._insert_redemptions(held, [r for r in held.redemptions if (r.kind.value, r.item_id) not in stored])
        if gone := stored - now:
            await self.session.execute(delete(package_redemptions).where(
                package_redemptions.c.client_package_id == held.id,
                tuple_(package_redemptions.c.kind, package_redemptions.c.item_id).in_(list(gone))))
        await self.session.execute(update(client_packages).where(
            client_packages.c.company_id == held.company_id, client_packages.c.id == held.id)
            .values(revision=held.revision, invoice_id=held.invoice_id, **_terms(held.definition)))

    async def _insert_redemptions(self, held: ClientPackage, redemptions: list[Redemption]) -> None:
        """Raises AlreadyRedeemed when another package took one of these items meanwhile (the unique
        key, read instead of a 500 when two requests redeem one visit on two packages at once)."""
        if not redemptions:
            return
        rows = []
        for r in redemptions:
            row: dict[str, Any] = {"client_package_id": held.id, "company_id": held.company_id, "kind": r.kind.value,
                                   "item_id": r.item_id, "service_id": r.service_id, "redeemed_on": r.on}
            if r.redeemed_at is not None:
                row["redeemed_at"] = r.redeemed_at
            rows.append(row)
        inserted = (await self.session.execute(
            pg_insert(package_redemptions).values(rows).on_conflict_do_nothing(constraint="package_redemptions_once")
            .returning(package_redemptions.c.item_id))).all()
        if len(inserted) != len(rows):
            raise AlreadyRedeemed("This visit is already redeemed against another package.")

    async def get_held(self, company_id: UUID, client_package_id: UUID, *, for_update: bool = False) -> ClientPackage:
        found = await self._held(client_packages.c.company_id == company_id,
                                 client_packages.c.id == client_package_id, for_update=for_update)
        if not found:
            raise ClientPackageNotFound("No such package of a client in your company.",
                                        details={"client_package_id": str(client_package_id)})
        return found[0]

    async def held_by(self, company_id: UUID, client_id: UUID) -> list[ClientPackage]:
        return await self._held(client_packages.c.company_id == company_id, client_packages.c.client_id == client_id)

    async def redeeming(self, company_id: UUID, item_id: UUID, kind: RedeemedKind, *,
                        for_update: bool = False) -> list[ClientPackage]:
        redeemed = select(package_redemptions.c.client_package_id).where(
            package_redemptions.c.company_id == company_id, package_redemptions.c.kind == kind.value,
            package_redemptions.c.item_id == item_id)
        return await self._held(client_packages.c.company_id == company_id, client_packages.c.id.in_(redeemed),
                                for_update=for_update)

    async def _held(self, *where: Any, for_update: bool = False) -> list[ClientPackage]:
        query = select(client_packages).where(*where).order_by(client_packages.c.added_at, client_packages.c.id)
        if for_update:
            query = query.with_for_update()
        rows = list(await self.session.execute(query))
        if not rows:
            return []
        uses: dict[UUID, list[Redemption]] = defaultdict(list)
        for r in await self.session.execute(select(package_redemptions).where(
                package_redemptions.c.client_package_id.in_([row.id for row in rows]))
                .order_by(package_redemptions.c.redeemed_at, package_redemptions.c.item_id)):
            uses[r.client_package_id].append(_redemption(r))
        return [ClientPackage(row.id, row.company_id, row.client_id, row.package_id, _definition(row), uses[row.id],
                              row.invoice_id, row.revision, row.added_at) for row in rows]
