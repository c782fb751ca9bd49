"""What billing does with `billing.commands`: the Client Hub's requests from facility (R-FAC-4,
R-FAC-6, R-INV-1). Each handler answers its command once with `billing.command.answered`
(service_layer/facility_commands.py). Handlers never commit: the consumer's batch does."""

from __future__ import annotations

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events.billing import FacilityInvoiceRequested, PackageAddRequested, PackageRedeemRequested
from petcare_kit.consumer import EventRouter
from petcare_kit.identity import Identity, Role
from petcare_kit.unit_of_work import UnitOfWork

from billing.adapters.unit_of_work import SqlUnitOfWork
from billing.service_layer import facility_commands
from billing.service_layer.facility_commands import BatchContext

EVENTS: tuple[type[EventPayload], ...] = (FacilityInvoiceRequested, PackageAddRequested, PackageRedeemRequested)
"""The command types billing handles on `billing.commands` (declared in bootstrap's HANDLES)."""


def _context(uow: UnitOfWork, envelope: Envelope) -> BatchContext:
    assert envelope.company_id is not None, "facility's commands always name their company"
    return BatchContext(SqlUnitOfWork(uow), Identity(Role.INTERNAL, company_id=envelope.company_id))


async def on_facility_invoice_requested(uow: UnitOfWork, envelope: Envelope,
                                        command: FacilityInvoiceRequested) -> None:
    """R-FAC-4: the charges on a new or the named open invoice; answered once."""
    await facility_commands.invoice_facility_events(_context(uow, envelope), command, causation_id=envelope.id)


async def on_package_add_requested(uow: UnitOfWork, envelope: Envelope, command: PackageAddRequested) -> None:
    """R-FAC-6: the package added to the client; answered once."""
    await facility_commands.add_package(_context(uow, envelope), command, causation_id=envelope.id)


async def on_package_redeem_requested(uow: UnitOfWork, envelope: Envelope, command: PackageRedeemRequested) -> None:
    """R-FAC-6: the facility event redeemed against the client's package; answered once."""
    await facility_commands.redeem_facility_event(_context(uow, envelope), command, causation_id=envelope.id)


def register(router: EventRouter) -> None:
    """Add a handler for each of EVENTS."""
    router.add(FacilityInvoiceRequested, on_facility_invoice_requested)
    router.add(PackageAddRequested, on_package_add_requested)
    router.add(PackageRedeemRequested, on_package_redeem_requested)
