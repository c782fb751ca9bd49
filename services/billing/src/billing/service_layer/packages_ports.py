"""What the packages use cases need from storage: packages, clients' packages and redemptions (R-PKG-1).
Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from petcare_kit.client_directory import DirectoryPerson

from billing.domain.packages import ClientPackage, Package, RedeemedKind


class Packages(Protocol):
    """The packages repository (SQL: adapters/packages.py; in memory: tests/unit/fakes_packages.py)."""

    # ---- the catalogue ----
    async def add(self, package: Package) -> None: ...

    async def save(self, package: Package) -> None: ...

    async def get(self, company_id: UUID, package_id: UUID) -> Package:
        """Raises PackageNotFound (unknown, or another company's: the same answer)."""
        ...

    async def page(self, company_id: UUID, *, limit: int, offset: int, active: bool | None = None) -> list[Package]:
        """By name, then id."""
        ...

    async def was_sold(self, company_id: UUID, package_id: UUID) -> bool:
        """Whether the package was ever added to a client."""
        ...

    async def delete(self, company_id: UUID, package_id: UUID) -> None:
        """Remove a package never sold (the caller checks `was_sold`)."""
        ...

    # ---- who may hold one ----
    async def client(self, company_id: UUID, client_id: UUID) -> DirectoryPerson | None:
        """The company's client (the clients directory read model), or None (unknown, staff, or
        another company's)."""
        ...

    async def time_zone(self, company_id: UUID) -> str | None:
        """The company's IANA zone (the clients directory read model), None while unknown."""
        ...

    # ---- clients' packages and their redemptions ----
    async def add_held(self, held: ClientPackage) -> None: ...

    async def save_held(self, held: ClientPackage) -> None:
        """Store the revision and the redemptions as they are now (added and removed ones)."""
        ...

    async def get_held(self, company_id: UUID, client_package_id: UUID, *, for_update: bool = False) -> ClientPackage:
        """`for_update`: row-locked for the caller's transaction (redeeming, giving back). Raises
        ClientPackageNotFound."""
        ...

    async def held_by(self, company_id: UUID, client_id: UUID) -> list[ClientPackage]:
        """A client's packages, oldest first."""
        ...

    async def redeeming(self, company_id: UUID, item_id: UUID, kind: RedeemedKind, *,
                        for_update: bool = False) -> list[ClientPackage]:
        """The clients' packages with a redemption of that visit or facility event (one at most, in
        practice), `for_update` row-locked."""
        ...
