"""Request → use-case context: the verified identity, a unit of work, the settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.identity import Identity, IdentityDep, Role

from clients.service_layer.context import Context


async def _context(request: Request, uow: UnitOfWorkDep, identity: IdentityDep) -> AsyncIterator[Context]:
    yield Context(uow, identity, request.app.state.runtime.settings)


async def _anonymous_context(request: Request, uow: UnitOfWorkDep) -> AsyncIterator[Context]:
    """Public routes (sign-up, sign-in, portal requests): nobody is known until the use case finds them."""
    yield Context(uow, Identity(Role.INTERNAL), request.app.state.runtime.settings)


ContextDep = Annotated[Context, Depends(_context)]
AnonymousContextDep = Annotated[Context, Depends(_anonymous_context)]
