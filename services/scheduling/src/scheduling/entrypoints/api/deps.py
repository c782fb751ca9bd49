"""Request → use-case context: the verified identity and a unit of work over the request's
transaction (the kit's: with an Idempotency-Key it also stores the answer in that transaction)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.identity import IdentityDep

from scheduling.adapters.invoices_unit_of_work import SqlInvoicesUnitOfWork
from scheduling.adapters.unit_of_work import SqlUnitOfWork
from scheduling.service_layer.context import Context


async def _context(uow: UnitOfWorkDep, identity: IdentityDep) -> AsyncIterator[Context]:
    yield Context(SqlUnitOfWork(uow), identity)


ContextDep = Annotated[Context, Depends(_context)]


async def _invoices_context(uow: UnitOfWorkDep, identity: IdentityDep) -> AsyncIterator[Context]:
    yield Context(SqlInvoicesUnitOfWork(uow), identity)


InvoicesContextDep = Annotated[Context, Depends(_invoices_context)]
"""A context whose unit of work has the invoice read model too (service_layer.invoices_ports):
"Send Confirmation" and booking a visit on a picked invoice (R-INV-1)."""
