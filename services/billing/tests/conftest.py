"""billing in-process for its tests (petcare_tools.testing.service): a fresh migrated database per
test (the `database_url` fixture), the app run with its lifespan on the session's broker, called as
the gateway calls it (`service.as_(identity)`), fed events as Kafka feeds them (`service.feed`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import pytest_asyncio
from billing.spec import SPEC
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.service import ServiceUnderTest, serve_in_process


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url: str, kafka_bootstrap_servers: str,
                  stripe_sandbox: str) -> AsyncIterator[ServiceUnderTest]:
    """Relay and consumers off: tests read the outbox (`service.outbox`) and hand events over themselves.
    Stripe is the session's localstripe sandbox: a test never reaches the real Stripe."""
    async with serve_in_process(SPEC, database_url, kafka_bootstrap_servers,
                                stripe_api_base=stripe_sandbox) as service:
        yield service


def admin_of(company_id: UUID | None = None) -> Identity:
    return Identity(Role.ADMIN, person_id=uuid4(), company_id=company_id or uuid4())
