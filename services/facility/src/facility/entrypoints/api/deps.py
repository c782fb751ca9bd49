"""Request → use-case context: the verified identity and a unit of work over the request's
transaction (the kit's: with an Idempotency-Key it also stores the answer in that transaction)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.identity import IdentityDep

from facility.adapters.unit_of_work import SqlUnitOfWork
from facility.service_layer.context import Context


async def _context(uow: UnitOfWorkDep, identity: IdentityDep) -> AsyncIterator[Context]:
    yield Context(SqlUnitOfWork(uow), identity)


ContextDep = Annotated[Context, Depends(_context)]
