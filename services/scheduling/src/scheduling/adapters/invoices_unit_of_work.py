"""scheduling's unit of work with the invoice read model as well (R-SCHED-10)."""

from __future__ import annotations

from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from scheduling.adapters.invoices import SqlInvoices
from scheduling.adapters.unit_of_work import SqlUnitOfWork


class SqlInvoicesUnitOfWork(SqlUnitOfWork):
    """`SqlUnitOfWork` plus `invoices`, on the same transaction."""

    def __init__(self, uow: KitUnitOfWork) -> None:
        super().__init__(uow)
        self._invoices = SqlInvoices(uow.session)

    @property
    def invoices(self) -> SqlInvoices:
        return self._invoices
