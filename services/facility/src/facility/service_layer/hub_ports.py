"""What the Client Hub needs from storage (R-FAC-1, R-FAC-4, R-FAC-6): the read models of
`billing.events` (invoices, packages) and the requests sent to billing. The repository returns
domain objects and never commits; every read is scoped to one company. SQL: adapters/hub.py; in
memory: tests/unit/fakes_hub.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from facility.domain.hub import HubInvoice, HubPackage, HubRequest
from facility.service_layer.context import Context


class Hub(Protocol):
    # ---- read models (whole states: a row is replaced only by a higher revision) ----
    async def put_invoice(self, invoice: HubInvoice) -> None:
        """Insert, or replace when `invoice.revision` is higher than the stored one."""

    async def invoice(self, company_id: UUID, invoice_id: UUID) -> HubInvoice | None: ...

    async def invoices_of(self, company_id: UUID, client_id: UUID) -> list[HubInvoice]:
        """The client's invoices, newest number first."""

    async def put_package(self, package: HubPackage) -> None:
        """Insert, or replace when `package.revision` is higher than the stored one."""

    async def package(self, company_id: UUID, client_package_id: UUID) -> HubPackage | None: ...

    async def packages_of(self, company_id: UUID, client_id: UUID) -> list[HubPackage]:
        """The client's packages, by name."""

    # ---- requests to billing ----
    async def add_request(self, request: HubRequest) -> None: ...

    async def request(self, request_id: UUID, *, for_update: bool = False) -> HubRequest | None:
        """By id across companies (billing's answer names only the request); None when unknown."""

    async def save_request(self, request: HubRequest) -> None: ...

    async def requests_of(self, company_id: UUID, client_id: UUID, *, pending_only: bool = False,
                          limit: int = 100) -> list[HubRequest]:
        """The client's requests, newest first."""


@dataclass
class HubContext(Context):
    """facility's use-case context with the hub's repository beside the unit of work (same transaction)."""

    hub: Hub = field(kw_only=True)
