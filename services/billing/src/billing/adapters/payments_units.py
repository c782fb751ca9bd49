"""How payments' entrypoints get their units of work and Stripe: each step of a payment commits its
own transaction (service_layer/payments.py), so a route or job opens units of work one after another
instead of using the request's single one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from petcare_kit.identity import Identity
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing.adapters.stripe_gateway import StripeGateway, make_stripe_client
from billing.adapters.unit_of_work import SqlUnitOfWork
from billing.config import BillingSettings
from billing.service_layer.context import Context
from billing.service_layer.payments import Units


def units_for(sessions: async_sessionmaker[AsyncSession], identity: Identity) -> Units:
    """A factory of fresh units of work (each its own transaction) acting as `identity`."""

    @asynccontextmanager
    async def unit() -> AsyncIterator[Context]:
        async with UnitOfWork(sessions) as uow:
            yield Context(SqlUnitOfWork(uow), identity)

    return unit


def card_processor(settings: BillingSettings) -> StripeGateway:
    """Stripe on the platform account (localstripe when `STRIPE_API_BASE` points at it)."""
    return StripeGateway(make_stripe_client(settings))
