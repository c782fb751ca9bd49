"""What "Send Confirmation" and the invoice choice of a booking need beyond ports.py: the invoice read
model (R-SCHED-10, R-INV-1), on a unit of work that has the repositories of ports.py too. Never
commits; every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol, cast
from uuid import UUID

from scheduling.domain.invoices import InvoiceVisits
from scheduling.service_layer.context import Context
from scheduling.service_layer.ports import UnitOfWork


class Invoices(Protocol):
    async def record(self, invoice: InvoiceVisits) -> bool:
        """Insert, or replace a lower revision; True when stored, False when a revision as high or
        higher was there already (a replayed or late event changes nothing)."""

    async def get(self, company_id: UUID, invoice_id: UUID) -> InvoiceVisits:
        """Raises InvoiceNotFound (404, also another company's)."""

    async def find(self, company_id: UUID, invoice_id: UUID) -> InvoiceVisits | None:
        """The invoice as last heard of, or None (not heard of yet, or another company's)."""


class InvoicesUnitOfWork(UnitOfWork, Protocol):
    @property
    def invoices(self) -> Invoices: ...


def repos(ctx: Context) -> InvoicesUnitOfWork:
    """`ctx.uow` with the invoices repository: the entrypoints build these contexts on
    `adapters.invoices_unit_of_work.SqlInvoicesUnitOfWork`."""
    return cast(InvoicesUnitOfWork, ctx.uow)
