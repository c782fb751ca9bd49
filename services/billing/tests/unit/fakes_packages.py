"""In-memory packages repository for unit tests: the use cases run on it exactly as on SQL."""

from __future__ import annotations

import copy
from uuid import UUID

from billing.domain.packages import ClientPackage, ClientPackageNotFound, Package, PackageNotFound, RedeemedKind
from petcare_kit.client_directory import DirectoryPerson


class FakePackages:
    """The packages repository in memory. `clients` is the directory's clients (add with `know_client`)."""

    def __init__(self) -> None:
        self.packages: dict[UUID, Package] = {}
        self.held: dict[UUID, ClientPackage] = {}
        self.clients: dict[UUID, DirectoryPerson] = {}
        self.zones: dict[UUID, str] = {}

    def know_client(self, company_id: UUID, client_id: UUID, *, active: bool = True) -> None:
        self.clients[client_id] = DirectoryPerson(client_id, company_id, "client", "client", "Ada", "Tester",
                                                  active=active)

    async def add(self, package: Package) -> None:
        self.packages[package.id] = package

    async def save(self, package: Package) -> None:
        self.packages[package.id] = package

    async def get(self, company_id: UUID, package_id: UUID) -> Package:
        package = self.packages.get(package_id)
        if package is None or package.company_id != company_id:
            raise PackageNotFound("No such package in your company.")
        return package

    async def page(self, company_id: UUID, *, limit: int, offset: int, active: bool | None = None) -> list[Package]:
        found = sorted((p for p in self.packages.values() if p.company_id == company_id
                        and (active is None or p.active is active)), key=lambda p: (p.definition.name, str(p.id)))
        return found[offset:offset + limit]

    async def was_sold(self, company_id: UUID, package_id: UUID) -> bool:
        return any(h.company_id == company_id and h.package_id == package_id for h in self.held.values())

    async def delete(self, company_id: UUID, package_id: UUID) -> None:
        if (await self.get(company_id, package_id)) is not None:
            del self.packages[package_id]

    async def client(self, company_id: UUID, client_id: UUID) -> DirectoryPerson | None:
        person = self.clients.get(client_id)
        return person if person is not None and person.company_id == company_id else None

    async def time_zone(self, company_id: UUID) -> str | None:
        return self.zones.get(company_id)

    async def add_held(self, held: ClientPackage) -> None:
        self.held[held.id] = copy.deepcopy(held)

    async def save_held(self, held: ClientPackage) -> None:
        self.held[held.id] = copy.deepcopy(held)

    async def get_held(self, company_id: UUID, client_package_id: UUID, *, for_update: bool = False) -> ClientPackage:
        held = self.held.get(client_package_id)
        if held is None or held.company_id != company_id:
            raise ClientPackageNotFound("No such package of a client in your company.")
        return copy.deepcopy(held)  # as SQL: a change counts only once saved

    async def held_by(self, company_id: UUID, client_id: UUID) -> list[ClientPackage]:
        return [copy.deepcopy(h) for h in self.held.values() if (h.company_id, h.client_id) == (company_id, client_id)]

    async def redeeming(self, company_id: UUID, item_id: UUID, kind: RedeemedKind, *,
                        for_update: bool = False) -> list[ClientPackage]:
        return [copy.deepcopy(h) for h in self.held.values()
                if h.company_id == company_id and h.redemption_of(item_id, kind) is not None]
