"""What templates do with consumed events: R-SCHED-11 / R-INACT-3, a client deactivated with
"delete templates" on has their templates ended (nothing sent to anyone, R-NEVER-4).

`clients.client.deactivated` already has a handler (the clients directory marks the person
inactive, and consumers.py may act on the visits): a router holds one handler per type, so
`register(router)` wraps the one registered before it, and both run in the batch's transaction.
Call it after `consumers.register(router)` in bootstrap.build_router.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import uuid4

from petcare_contracts import Envelope, new_envelope
from petcare_contracts.events.clients import ClientDeactivated
from petcare_kit.consumer import EventRouter
from petcare_kit.identity import Identity, Role
from petcare_kit.unit_of_work import UnitOfWork

from scheduling.adapters.templates_unit_of_work import SqlTemplatesUnitOfWork
from scheduling.service_layer import templates
from scheduling.service_layer.context import Context


async def end_templates_of_deactivated(uow: UnitOfWork, envelope: Envelope, event: ClientDeactivated) -> None:
    """With `delete_templates` on, the client's running templates end (no visit from today on is
    ever created from them). The batch commits."""
    if not event.delete_templates or envelope.company_id is None:
        return
    ctx = Context(SqlTemplatesUnitOfWork(uow), Identity(Role.INTERNAL, company_id=envelope.company_id))
    await templates.end_client_templates(ctx, event.client_id)


def register(router: EventRouter) -> None:
    """Add ending templates to the handling of `clients.client.deactivated`, after whatever handler
    was registered for it before (none is fine)."""
    probe = new_envelope(ClientDeactivated(client_id=uuid4(), delete_future_visits=False, delete_templates=False),
                         company_id=None, correlation_id="register")
    before = cast(Any, router.handler_for(probe))

    async def on_client_deactivated(uow: UnitOfWork, envelope: Envelope, event: ClientDeactivated) -> None:
        if before is not None:
            await before(uow, envelope, event)
        await end_templates_of_deactivated(uow, envelope, event)

    router.add(ClientDeactivated, on_client_deactivated)
