"""Request → use-case context: the verified identity, a texting unit of work, Twilio."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.identity import IdentityDep

from texting.adapters.unit_of_work import SqlUnitOfWork
from texting.service_layer.context import SYSTEM, Context


def _context_for(request: Request, uow: UnitOfWorkDep) -> Context:
    settings = request.app.state.runtime.settings
    return Context(SqlUnitOfWork(uow), SYSTEM, request.app.state.twilio, settings.webhook_base_url.rstrip("/"))


async def _context(request: Request, uow: UnitOfWorkDep, identity: IdentityDep) -> AsyncIterator[Context]:
    ctx = _context_for(request, uow)
    ctx.identity = identity
    yield ctx


async def _webhook_context(request: Request, uow: UnitOfWorkDep) -> AsyncIterator[Context]:
    """Twilio's webhooks: no person calls; the signature is checked by the route."""
    yield _context_for(request, uow)


ContextDep = Annotated[Context, Depends(_context)]
WebhookContextDep = Annotated[Context, Depends(_webhook_context)]
