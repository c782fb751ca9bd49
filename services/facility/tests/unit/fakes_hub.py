"""The Client Hub's repository in memory (read models kept by highest revision, as on SQL)."""

from __future__ import annotations

from uuid import UUID

from facility.domain.hub import HubInvoice, HubPackage, HubRequest, RequestState


class FakeHub:
    def __init__(self) -> None:
        self.invoices: dict[UUID, HubInvoice] = {}
        self.packages: dict[UUID, HubPackage] = {}
        self.requests: dict[UUID, HubRequest] = {}

    async def put_invoice(self, invoice: HubInvoice) -> None:
        kept = self.invoices.get(invoice.invoice_id)
        if kept is None or kept.revision < invoice.revision:
            self.invoices[invoice.invoice_id] = invoice

    async def invoice(self, company_id: UUID, invoice_id: UUID) -> HubInvoice | None:
        invoice = self.invoices.get(invoice_id)
        return invoice if invoice is not None and invoice.company_id == company_id else None

    async def invoices_of(self, company_id: UUID, client_id: UUID) -> list[HubInvoice]:
        return sorted((i for i in self.invoices.values() if (i.company_id, i.client_id) == (company_id, client_id)),
                      key=lambda i: i.number, reverse=True)

    async def put_package(self, package: HubPackage) -> None:
        kept = self.packages.get(package.client_package_id)
        if kept is None or kept.revision < package.revision:
            self.packages[package.client_package_id] = package

    async def package(self, company_id: UUID, client_package_id: UUID) -> HubPackage | None:
        package = self.packages.get(client_package_id)
        return package if package is not None and package.company_id == company_id else None

    async def packages_of(self, company_id: UUID, client_id: UUID) -> list[HubPackage]:
        return sorted((p for p in self.packages.values() if (p.company_id, p.client_id) == (company_id, client_id)),
                      key=lambda p: p.name)

    async def add_request(self, request: HubRequest) -> None:
        self.requests[request.request_id] = request

    async def request(self, request_id: UUID, *, for_update: bool = False) -> HubRequest | None:
        return self.requests.get(request_id)

    async def save_request(self, request: HubRequest) -> None:
        self.requests[request.request_id] = request

    async def requests_of(self, company_id: UUID, client_id: UUID, *, pending_only: bool = False,
                          limit: int = 100) -> list[HubRequest]:
        found = [r for r in self.requests.values() if (r.company_id, r.client_id) == (company_id, client_id)
                 and (not pending_only or r.state is RequestState.PENDING)]
        return sorted(found, key=lambda r: r.requested_at, reverse=True)[:limit]
