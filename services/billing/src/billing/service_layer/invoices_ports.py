"""What the invoices use cases need from storage: invoices, their lines, company billing settings and
per-client rates (R-INV-1..4, R-EMAIL-5, R-NEVER-1).
Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from petcare_kit.client_directory import DirectoryPerson

from billing.domain.billing_settings import ClientBilling, CompanyBillingSettings
from billing.domain.invoices import Invoice, InvoiceStatus


@dataclass(frozen=True)
class InvoiceFilter:
    """A page of a company's invoices: of one client and/or in one status (as of `today`, the
    company's local date, since past due depends on it), newest first; `limit` rows after `offset`."""

    today: date
    client_id: UUID | None = None
    status: InvoiceStatus | None = None
    limit: int = 50
    offset: int = 0


class Invoices(Protocol):
    """The invoices repository (SQL: adapters/invoices.py; in memory:
    tests/unit/fakes_invoices.py)."""

    # ---- invoices ----
    async def get(self, company_id: UUID, invoice_id: UUID) -> Invoice:
        """The invoice with its lines. Raises InvoiceNotFound (also another company's)."""

    async def get_for_update(self, company_id: UUID, invoice_id: UUID) -> Invoice:
        """As `get`, the row locked until the transaction ends (change it, then `save`)."""

    async def id_in_use(self, invoice_id: UUID) -> bool:
        """Whether any company has an invoice with this id (R-INV-1: scheduling's chosen id may name
        another company's invoice; billing then uses a fallback id)."""

    async def add(self, invoice: Invoice) -> None:
        """Store a new invoice with its lines (its `number` already taken by `next_number`)."""

    async def save(self, invoice: Invoice) -> None:
        """Store the invoice's current state and lines (after `get_for_update`)."""

    async def open_for_client(self, company_id: UUID, client_id: UUID) -> list[Invoice]:
        """The client's invoices that are neither void nor paid, oldest first."""

    async def for_visit(self, company_id: UUID, visit_id: UUID) -> Invoice | None:
        """The invoice holding the visit's line, locked for update; None when the visit is on none."""

    async def for_facility_event(self, company_id: UUID, facility_event_id: UUID) -> Invoice | None:
        """The invoice that is not void holding the facility event's lines (R-FAC-4), locked for
        update; None when the event is on none."""

    async def page(self, company_id: UUID, query: InvoiceFilter) -> list[Invoice]:
        """A page of the company's invoices by `query`, newest first."""

    async def count(self, company_id: UUID, query: InvoiceFilter) -> int:
        """How many invoices `query` matches (ignoring limit and offset)."""

    async def next_number(self, company_id: UUID) -> str:
        """The company's next invoice number ("INV-0001", "INV-0002", ...), taken for good: numbers
        are never reused, also when the transaction rolls back one can be skipped."""

    async def time_zone(self, company_id: UUID) -> str | None:
        """The company's IANA zone from the clients directory; None while not known yet."""

    async def client(self, company_id: UUID, client_id: UUID) -> DirectoryPerson | None:
        """The company's client from the clients directory; None when unknown (or a staff member, or
        another company's)."""

    # ---- company billing settings and a client's own values (R-INV-2, R-INV-3) ----
    async def settings(self, company_id: UUID) -> CompanyBillingSettings:
        """The company's settings, or the defaults while it never saved any."""

    async def put_settings(self, settings: CompanyBillingSettings) -> None:
        """Store (insert or replace) the company's settings."""

    async def client_billing(self, company_id: UUID, client_id: UUID) -> ClientBilling:
        """The client's own tax rate and rates (empty when none set)."""

    async def set_client_tax_rate(self, company_id: UUID, client_id: UUID, percent: Decimal | None) -> None:
        """Set the client's own tax rate (None: back to the company's)."""

    async def put_client_rate(self, company_id: UUID, client_id: UUID, service_id: UUID, cents: int) -> None:
        """Set the client's own price for one service."""

    async def delete_client_rate(self, company_id: UUID, client_id: UUID, service_id: UUID) -> bool:
        """Remove the client's own price for the service; False when none was set."""

    # ---- a redeemed visit's package cover (R-PKG-1), also before the visit is on an invoice ----
    async def visit_cover(self, company_id: UUID, visit_id: UUID) -> Decimal | None:
        """The % of the visit a package covers; None when not redeemed."""

    async def set_visit_cover(self, company_id: UUID, visit_id: UUID, percent: Decimal | None) -> None:
        """Keep (or with None forget) the visit's cover."""
