"""What facility keeps of `billing.events` for the Client Hub (R-FAC-1, R-FAC-6): invoices
(`billing.invoice.updated` v2, with their facility events), clients' packages
(`billing.package.changed` v1) and billing's answers to the hub's requests
(`billing.command.answered` v1). Whole states kept by highest revision: a replayed or late event
changes nothing. Never commits (the consumer's batch does)."""

from __future__ import annotations

from petcare_contracts.events.billing import ClientPackageChanged, CommandAnswered, InvoiceUpdatedV2

from facility.domain.hub import HubInvoice, HubPackage, ServiceUse
from facility.service_layer.hub_ports import HubContext


async def keep_invoice(ctx: HubContext, event: InvoiceUpdatedV2) -> None:
    """The invoice's state, unless a newer revision is kept already."""
    await ctx.hub.put_invoice(HubInvoice(
        event.invoice_id, ctx.company_id, event.client_id, event.number, event.status, event.total_cents,
        event.paid_cents, event.balance_cents, event.due_date, event.revision, tuple(event.facility_event_ids),
        tuple(event.visit_ids)))


async def keep_package(ctx: HubContext, event: ClientPackageChanged) -> None:
    """The client's package with used / remaining / % used, unless a newer revision is kept already."""
    await ctx.hub.put_package(HubPackage(
        event.client_package_id, ctx.company_id, event.client_id, event.package_id, event.name, event.ends_on,
        tuple(ServiceUse(s.service_id, s.covered, s.used) for s in event.services), event.used, event.remaining,
        event.percent_used, event.revision))


async def keep_answer(ctx: HubContext, event: CommandAnswered) -> bool:
    """Billing's answer makes the hub's request done or refused (with its code and message). An
    answer to a request the hub did not send, another company's, or already answered changes
    nothing (False)."""
    request = await ctx.hub.request(event.request_id, for_update=True)
    if request is None or request.company_id != ctx.company_id:
        return False
    answered = request.answered(done=event.outcome == "done", at=ctx.now(), code=event.code, message=event.message,
                                invoice_id=event.invoice_id, client_package_id=event.client_package_id)
    if answered == request:
        return False
    await ctx.hub.save_request(answered)
    return True
