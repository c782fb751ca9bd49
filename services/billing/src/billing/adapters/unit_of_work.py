"""billing's unit of work over SQL: the kit's transaction (outbox events, one commit) with one
repository per area bound to its session. Entrypoints build one per request, consumed batch or job run."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload
from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from billing.adapters.facility_commands import SqlFacilityCommands
from billing.adapters.invoices import SqlInvoices
from billing.adapters.packages import SqlPackages
from billing.adapters.payments import SqlPayments
from billing.adapters.plans import SqlPlans
from billing.adapters.texting_charges import SqlTextingCharges


class SqlUnitOfWork:
    """Wraps an entered kit UnitOfWork (its transaction is the caller's to open and close)."""

    def __init__(self, uow: KitUnitOfWork) -> None:
        self.kit = uow
        self._invoices = SqlInvoices(uow.session)
        self._payments = SqlPayments(uow.session)
        self._plans = SqlPlans(uow.session)
        self._texting_charges = SqlTextingCharges(uow.session)
        self._packages = SqlPackages(uow.session)
        self._facility_commands = SqlFacilityCommands(uow.session)

    @property
    def invoices(self) -> SqlInvoices:
        return self._invoices

    @property
    def payments(self) -> SqlPayments:
        return self._payments

    @property
    def plans(self) -> SqlPlans:
        return self._plans

    @property
    def texting_charges(self) -> SqlTextingCharges:
        return self._texting_charges

    @property
    def packages(self) -> SqlPackages:
        return self._packages

    @property
    def facility_commands(self) -> SqlFacilityCommands:
        return self._facility_commands

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        return await self.kit.publish(payload, company_id=company_id, actor=actor, causation_id=causation_id)

    async def commit(self) -> None:
        await self.kit.commit()
