"""What facility does with `billing.events` for the Client Hub (R-FAC-1, R-FAC-6, R-FAC-4): its
read models of invoices and clients' packages, and billing's answers to the hub's requests
(service_layer/hub_read_model.py). Registered by bootstrap.py (declared in HANDLES). Handlers never
commit: the consumer's batch does (with the inbox: a redelivery changes nothing twice)."""

from __future__ import annotations

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events.billing import ClientPackageChanged, CommandAnswered, InvoiceUpdatedV2
from petcare_kit.consumer import EventRouter
from petcare_kit.identity import Identity, Role
from petcare_kit.unit_of_work import UnitOfWork

from facility.adapters.hub import SqlHub
from facility.adapters.unit_of_work import SqlUnitOfWork
from facility.service_layer import hub_read_model
from facility.service_layer.hub_ports import HubContext

EVENTS: tuple[type[EventPayload], ...] = (InvoiceUpdatedV2, ClientPackageChanged, CommandAnswered)
"""The billing event types facility handles (declared in bootstrap's HANDLES)."""


def _context(uow: UnitOfWork, envelope: Envelope) -> HubContext:
    assert envelope.company_id is not None, "billing's invoice, package and answer events name their company"
    return HubContext(SqlUnitOfWork(uow), Identity(Role.INTERNAL, company_id=envelope.company_id),
                      hub=SqlHub(uow.session))


async def on_invoice_updated(uow: UnitOfWork, envelope: Envelope, event: InvoiceUpdatedV2) -> None:
    """R-FAC-1: the client's invoice and the facility events on it."""
    await hub_read_model.keep_invoice(_context(uow, envelope), event)


async def on_package_changed(uow: UnitOfWork, envelope: Envelope, event: ClientPackageChanged) -> None:
    """R-FAC-6: used / remaining / % used of the client's package."""
    await hub_read_model.keep_package(_context(uow, envelope), event)


async def on_command_answered(uow: UnitOfWork, envelope: Envelope, event: CommandAnswered) -> None:
    """The hub's pending request becomes done or refused (billing's reason)."""
    await hub_read_model.keep_answer(_context(uow, envelope), event)


def register(router: EventRouter) -> None:
    """Add a handler for each of EVENTS."""
    router.add(InvoiceUpdatedV2, on_invoice_updated)
    router.add(ClientPackageChanged, on_package_changed)
    router.add(CommandAnswered, on_command_answered)
