"""The invoice read model over SQL (R-SCHED-10). Returns domain objects; never commits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.adapters.invoices_tables import invoice_visits
from scheduling.domain.invoices import InvoiceNotFound, InvoiceVisits


class SqlInvoices:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, invoice: InvoiceVisits) -> bool:
        values = {"client_id": invoice.client_id, "visit_ids": list(invoice.visit_ids),
                  "revision": invoice.revision, "number": invoice.number}
        # One statement: an older revision arriving after a newer one (a replay) changes nothing.
        statement = (pg_insert(invoice_visits)
                     .values(company_id=invoice.company_id, invoice_id=invoice.invoice_id, **values)
                     .on_conflict_do_update(constraint="invoice_visits_pkey", set_={**values, "updated_at": func.now()},
                                            where=invoice_visits.c.revision < invoice.revision)
                     .returning(invoice_visits.c.invoice_id))
        return (await self.session.execute(statement)).first() is not None

    async def get(self, company_id: UUID, invoice_id: UUID) -> InvoiceVisits:
        found = await self.find(company_id, invoice_id)
        if found is None:
            raise InvoiceNotFound("No such invoice in your company.", details={"invoice_id": str(invoice_id)})
        return found

    async def find(self, company_id: UUID, invoice_id: UUID) -> InvoiceVisits | None:
        row = (await self.session.execute(select(invoice_visits).where(
            invoice_visits.c.company_id == company_id, invoice_visits.c.invoice_id == invoice_id))).one_or_none()
        return None if row is None else _invoice(row)


def _invoice(row: Any) -> InvoiceVisits:
    return InvoiceVisits(row.company_id, row.invoice_id, row.client_id, tuple(row.visit_ids), row.revision, row.number)
