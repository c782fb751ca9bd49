"""What billing is told about a newly scheduled visit (R-INV-1): `scheduling.visit.scheduled` v2
with the service's price and taxable flag at scheduling time and the invoice chosen. Used by every
way a visit is scheduled: by hand (visits.py), an approved service request (requests.py), an
approved template period (templates.py). The ids of shared new invoices: domain.invoice_choice."""

from __future__ import annotations

from uuid import UUID, uuid4

from petcare_contracts.events.scheduling import VisitScheduledV2, VisitSummary

from scheduling.domain.catalogue import Service
from scheduling.domain.invoice_choice import check_invoice_of_client
from scheduling.domain.visits import Visit
from scheduling.service_layer.context import Context
from scheduling.service_layer.invoices_ports import repos


async def invoice_of_booking(ctx: Context, client_id: UUID, picked: UUID | None, *, do_not_invoice: bool
                             ) -> UUID | None:
    """R-INV-1: the invoice a visit booked by hand goes on: None with `do_not_invoice`; `picked` (the
    client's open invoice the scheduler chose) after checking it against the invoice read model
    (`ctx.uow` must have it, invoices_ports, when `picked` is given); else a new id, so billing opens
    a new invoice. Raises InvoiceOfAnotherClient (422) when the read model knows `picked` to be
    another client's; an invoice it has not heard of is passed on (billing checks it and falls back
    to a new invoice)."""
    if do_not_invoice:
        return None
    if picked is None:
        return uuid4()
    check_invoice_of_client(await repos(ctx).invoices.find(ctx.company_id, picked), client_id)
    return picked


def scheduled_event(visit: Visit, service: Service, summary: VisitSummary, invoice_id: UUID | None
                    ) -> VisitScheduledV2:
    """R-INV-1: `scheduling.visit.scheduled` v2 for a new visit of `service`: its id, price
    (integer cents) and taxable flag as they are now, and the invoice chosen (None: do not invoice).
    Never a notice to the client (R-NEVER-2)."""
    return VisitScheduledV2(visit_id=visit.id, client_id=visit.client_id, visit=summary, service_id=service.id,
                            price_cents=service.price_cents, taxable=service.taxable, invoice_id=invoice_id)
