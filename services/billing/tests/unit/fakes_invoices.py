"""In-memory invoices repository for unit tests: the use cases run on it exactly as on SQL."""

from __future__ import annotations

import copy
from decimal import Decimal
from uuid import UUID

from billing.domain.billing_settings import ClientBilling, CompanyBillingSettings
from billing.domain.invoices import Invoice, InvoiceNotFound, invoice_number
from billing.service_layer.invoices_ports import InvoiceFilter
from petcare_kit.client_directory import DirectoryPerson


class FakeInvoices:
    """The invoices repository in memory. Stored invoices are copies, so a use case that changes an
    invoice without `save` changes nothing here (as on SQL). `zones`: company id → IANA zone."""

    def __init__(self) -> None:
        self.invoices: dict[UUID, Invoice] = {}
        self.numbers: dict[UUID, int] = {}
        self.company_settings: dict[UUID, CompanyBillingSettings] = {}
        self.tax_rates: dict[tuple[UUID, UUID], Decimal] = {}
        self.rates: dict[tuple[UUID, UUID, UUID], int] = {}
        self.zones: dict[UUID, str] = {}
        self.covers: dict[tuple[UUID, UUID], Decimal] = {}
        self.clients: dict[tuple[UUID, UUID], DirectoryPerson] = {}

    # ---- invoices ----
    async def get(self, company_id: UUID, invoice_id: UUID) -> Invoice:
        invoice = self.invoices.get(invoice_id)
        if invoice is None or invoice.company_id != company_id:
            raise InvoiceNotFound("No such invoice.", details={"invoice_id": str(invoice_id)})
        return copy.deepcopy(invoice)

    async def get_for_update(self, company_id: UUID, invoice_id: UUID) -> Invoice:
        return await self.get(company_id, invoice_id)

    async def id_in_use(self, invoice_id: UUID) -> bool:
        return invoice_id in self.invoices

    async def add(self, invoice: Invoice) -> None:
        assert invoice.id not in self.invoices, "duplicate invoice id"
        self._check_one_line_per_visit(invoice)
        self.invoices[invoice.id] = copy.deepcopy(invoice)

    async def save(self, invoice: Invoice) -> None:
        assert invoice.id in self.invoices, "save of an invoice never added"
        self._check_one_line_per_visit(invoice)
        self.invoices[invoice.id] = copy.deepcopy(invoice)

    def _check_one_line_per_visit(self, invoice: Invoice) -> None:
        # The SQL unique index: a visit is on one invoice at most.
        for other in self.invoices.values():
            if other.id != invoice.id and other.company_id == invoice.company_id:
                assert not set(other.visit_ids()) & set(invoice.visit_ids()), "a visit on two invoices"

    async def open_for_client(self, company_id: UUID, client_id: UUID) -> list[Invoice]:
        found = [i for i in self.invoices.values()
                 if i.company_id == company_id and i.client_id == client_id and i.is_open]
        return [copy.deepcopy(i) for i in sorted(found, key=lambda i: (i.created_at is None, i.created_at, i.number))]

    async def for_visit(self, company_id: UUID, visit_id: UUID) -> Invoice | None:
        for invoice in self.invoices.values():
            if invoice.company_id == company_id and invoice.line_for_visit(visit_id) is not None:
                return copy.deepcopy(invoice)
        return None

    async def for_facility_event(self, company_id: UUID, facility_event_id: UUID) -> Invoice | None:
        for invoice in self.invoices.values():
            if (invoice.company_id == company_id and not invoice.voided
                    and facility_event_id in invoice.facility_event_ids()):
                return copy.deepcopy(invoice)
        return None

    def _matching(self, company_id: UUID, query: InvoiceFilter) -> list[Invoice]:
        return [i for i in self.invoices.values() if i.company_id == company_id
                and (query.client_id is None or i.client_id == query.client_id)
                and (query.status is None or i.status_on(query.today) == query.status)]

    async def page(self, company_id: UUID, query: InvoiceFilter) -> list[Invoice]:
        found = sorted(self._matching(company_id, query), key=lambda i: (i.created_at, i.number), reverse=True)
        return [copy.deepcopy(i) for i in found[query.offset:query.offset + query.limit]]

    async def count(self, company_id: UUID, query: InvoiceFilter) -> int:
        return len(self._matching(company_id, query))

    async def next_number(self, company_id: UUID) -> str:
        self.numbers[company_id] = self.numbers.get(company_id, 0) + 1
        return invoice_number(self.numbers[company_id])

    async def time_zone(self, company_id: UUID) -> str | None:
        return self.zones.get(company_id)

    async def client(self, company_id: UUID, client_id: UUID) -> DirectoryPerson | None:
        return self.clients.get((company_id, client_id))

    def add_client(self, company_id: UUID, client_id: UUID) -> None:
        """Test set-up: a client known to the directory."""
        person = DirectoryPerson(client_id, company_id, "client", "client", "Ada", "Client")
        self.clients[(company_id, client_id)] = person

    # ---- settings ----
    async def settings(self, company_id: UUID) -> CompanyBillingSettings:
        return self.company_settings.get(company_id) or CompanyBillingSettings(company_id)

    async def put_settings(self, settings: CompanyBillingSettings) -> None:
        self.company_settings[settings.company_id] = settings

    async def client_billing(self, company_id: UUID, client_id: UUID) -> ClientBilling:
        rates = {service: cents for (company, client, service), cents in self.rates.items()
                 if company == company_id and client == client_id}
        return ClientBilling(company_id, client_id, self.tax_rates.get((company_id, client_id)), rates)

    async def set_client_tax_rate(self, company_id: UUID, client_id: UUID, percent: Decimal | None) -> None:
        if percent is None:
            self.tax_rates.pop((company_id, client_id), None)
        else:
            self.tax_rates[(company_id, client_id)] = percent

    async def put_client_rate(self, company_id: UUID, client_id: UUID, service_id: UUID, cents: int) -> None:
        self.rates[(company_id, client_id, service_id)] = cents

    async def delete_client_rate(self, company_id: UUID, client_id: UUID, service_id: UUID) -> bool:
        return self.rates.pop((company_id, client_id, service_id), None) is not None

    # ---- a redeemed visit's cover ----
    async def visit_cover(self, company_id: UUID, visit_id: UUID) -> Decimal | None:
        return self.covers.get((company_id, visit_id))

    async def set_visit_cover(self, company_id: UUID, visit_id: UUID, percent: Decimal | None) -> None:
        if percent is None:
            self.covers.pop((company_id, visit_id), None)
        else:
            self.covers[(company_id, visit_id)] = percent
