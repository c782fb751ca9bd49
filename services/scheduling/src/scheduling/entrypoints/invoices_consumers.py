"""What scheduling does with `billing.events`: keeps which visits are on which invoice (the read
model behind "Send Confirmation", R-SCHED-10). Registered from bootstrap.py; never commits (the
batch does)."""

from __future__ import annotations

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events import billing
from petcare_kit.consumer import EventRouter
from petcare_kit.identity import Identity, Role
from petcare_kit.unit_of_work import UnitOfWork

from scheduling.adapters.invoices_unit_of_work import SqlInvoicesUnitOfWork
from scheduling.domain.invoices import InvoiceVisits
from scheduling.service_layer.context import Context
from scheduling.service_layer.invoices import record_invoice_visits

INVOICE_EVENTS: tuple[type[EventPayload], ...] = (billing.InvoiceVisitsChanged,)


async def on_invoice_visits_changed(uow: UnitOfWork, envelope: Envelope, event: billing.InvoiceVisitsChanged) -> None:
    assert envelope.company_id is not None, "billing's invoice events always name their company"
    ctx = Context(SqlInvoicesUnitOfWork(uow), Identity(Role.INTERNAL, company_id=envelope.company_id))
    await record_invoice_visits(ctx, InvoiceVisits(envelope.company_id, event.invoice_id, event.client_id,
                                                   tuple(dict.fromkeys(event.visit_ids)), event.revision,
                                                   event.number))


def register(router: EventRouter) -> list[type[EventPayload]]:
    """Adds the handlers of INVOICE_EVENTS; returns them."""
    router.add(billing.InvoiceVisitsChanged, on_invoice_visits_changed)
    return list(INVOICE_EVENTS)
