"""Use cases of invoices as scheduling sees them: keep billing's visits-per-invoice read model, and
"Send Confirmation" (R-SCHED-10, R-EMAIL-9): one event listing every visit of the invoice, which
notifications turns into the one email. Scheduler edits never notify anyone (R-NEVER-2); this is
the one thing a scheduler presses to tell the client."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from petcare_contracts.events.scheduling import ConfirmationRequested, VisitSummary

from scheduling.domain.invoices import InvoiceVisits, visits_to_confirm
from scheduling.service_layer.context import Context
from scheduling.service_layer.invoices_ports import repos
from scheduling.service_layer.summaries import company_zone, summarise


@dataclass(frozen=True)
class Confirmation:
    invoice_id: UUID
    client_id: UUID
    visits: list[VisitSummary]


async def record_invoice_visits(ctx: Context, invoice: InvoiceVisits) -> bool:
    """The consumer of `billing.invoice.visits_changed`: keep the invoice's visit set, the highest
    revision winning (replays change nothing). Publishes nothing; the caller (the batch) commits."""
    return await repos(ctx).invoices.record(invoice)


async def send_confirmation(ctx: Context, invoice_id: UUID) -> Confirmation:
    """R-SCHED-10 / R-EMAIL-9: publish `scheduling.confirmation.requested` listing every visit of the
    invoice still scheduled (domain.invoices.visits_to_confirm: the client's own, not cancelled, in
    time order), named as the email names them. Commits once. Raises InvoiceNotFound (404, also
    another company's invoice), NothingToConfirm (409), CompanyNotKnownYet (409)."""
    invoice = await repos(ctx).invoices.get(ctx.company_id, invoice_id)
    listed = visits_to_confirm(invoice, await ctx.uow.visits.many(ctx.company_id, list(invoice.visit_ids)))
    tz = await company_zone(ctx)
    summaries = [await summarise(ctx, visit, tz) for visit in listed]
    await ctx.publish(ConfirmationRequested(invoice_id=invoice.invoice_id, client_id=invoice.client_id,
                                            visits=summaries))
    await ctx.commit()
    return Confirmation(invoice.invoice_id, invoice.client_id, summaries)
