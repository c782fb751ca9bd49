"""Visits become invoice lines (R-INV-1, R-INV-2, R-INV-3): the use cases behind billing's consumer
of `scheduling.events`. Each works in the consumer's unit of work and never commits (the batch
does); each is idempotent by state too (a replay that got past the inbox changes nothing twice).
Nothing here emails (R-NEVER-1): every change is published by `invoice_effects.save_and_publish`.

- scheduled (v2) → a line on the invoice the scheduler chose (created on first sight of its id), at
  the client's own rate for the service where set, else the event's price; "do not invoice" (None)
  leaves it off. When the chosen id names another client's or company's invoice, or a void or paid
  one, the line goes on a fallback invoice whose id is derived from the chosen one and the client
  (uuid5), so a replay and the rest of the same batch of visits land on the same invoice.
- cancelled (by staff, or an approved cancellation request) → the line keeps the cancellation fee
  (the company's default %), and the visit's package redemption goes back (R-PKG-1).
- deleted → the line leaves its invoice, the redemption goes back.
- moved → the line's date, and so the due date (the company's rule), follow.
- updated → the line's description follows the service and pets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID, uuid5

from billing.domain.invoices import Invoice, InvoiceNotFound, cancelled, visit_line
from billing.service_layer import packages
from billing.service_layer.context import Context
from billing.service_layer.invoice_effects import INVOICE_IDS, new_invoice, save_and_publish

MAX_FALLBACKS = 8
"""Fallback hops before a visit gets an invoice of its own (each hop: that fallback was unusable too)."""


@dataclass(frozen=True)
class VisitToInvoice:
    """A scheduled visit as billing invoices it: `price_cents` the service's price at scheduling
    time (integer cents), `visit_date` its local date, `invoice_id` the scheduler's choice (None:
    "do not invoice")."""

    visit_id: UUID
    client_id: UUID
    service_id: UUID
    description: str
    price_cents: int
    taxable: bool
    visit_date: date
    invoice_id: UUID | None


def describe(service_name: str, pet_names: list[str]) -> str:
    """A visit line's text: "Dog walk (Rex, Tom)"."""
    return f"{service_name} ({', '.join(pet_names)})" if pet_names else service_name


async def invoice_visit(ctx: Context, visit: VisitToInvoice) -> UUID | None:
    """R-INV-1/2: put the visit on its invoice. Returns the invoice id, None when not invoiced
    ("do not invoice"). A visit already on an invoice stays where it is."""
    if visit.invoice_id is None:
        return None
    repo = ctx.uow.invoices
    already = await repo.for_visit(ctx.company_id, visit.visit_id)
    if already is not None:
        return already.id
    invoice, new = await _target(ctx, visit.client_id, visit.invoice_id, visit.visit_id)
    client = await repo.client_billing(ctx.company_id, visit.client_id)
    invoice.add_line(visit_line(
        visit_id=visit.visit_id, description=visit.description, service_price_cents=visit.price_cents,
        taxable=visit.taxable, client_rate_cents=client.rates.get(visit.service_id), service_id=visit.service_id,
        visit_date=visit.visit_date, package_cover_percent=await repo.visit_cover(ctx.company_id, visit.visit_id)))
    invoice.follow_due_date_rule((await repo.settings(ctx.company_id)).due_date_rule)
    await save_and_publish(ctx, invoice, new=new)
    return invoice.id


async def _target(ctx: Context, client_id: UUID, chosen: UUID, visit_id: UUID) -> tuple[Invoice, bool]:
    """The invoice to add to and whether it is new: the chosen one when it is this client's and
    open; a new one with the chosen id when no invoice has it; else the fallback derived from it."""
    candidate = chosen
    for _ in range(MAX_FALLBACKS):
        try:
            invoice = await ctx.uow.invoices.get_for_update(ctx.company_id, candidate)
        except InvoiceNotFound:
            if not await ctx.uow.invoices.id_in_use(candidate):  # not another company's either
                return await new_invoice(ctx, ctx.company_id, client_id, candidate), True
        else:
            if invoice.client_id == client_id and invoice.is_open:
                return invoice, False
        candidate = uuid5(INVOICE_IDS, f"{candidate}:{client_id}")
    last = uuid5(INVOICE_IDS, f"{chosen}:{visit_id}")
    return await new_invoice(ctx, ctx.company_id, client_id, last), True


async def cancel_visit(ctx: Context, visit_id: UUID) -> bool:
    """R-INV-2 / R-PKG-1: a cancelled visit gives its package redemption back and its line keeps
    the company's default cancellation fee (INV-API may override it per line later). A fact that
    is never refused: on a paid invoice the client may be left in credit (`Totals.credit_cents`,
    a refund due; the status stays paid). True when the line changed; a line already cancelled,
    a void invoice or no line: nothing (False)."""
    await packages.give_back_visit(ctx, visit_id)
    invoice = await ctx.uow.invoices.for_visit(ctx.company_id, visit_id)
    line = invoice.line_for_visit(visit_id) if invoice is not None else None
    if invoice is None or line is None or line.cancelled or invoice.voided:
        return False
    settings = await ctx.uow.invoices.settings(ctx.company_id)
    invoice.replace_line(cancelled(line, company_fee_percent=settings.cancellation_fee_percent))
    # A fact: on a paid invoice the fee may be less than was paid; the client is then in credit.
    await save_and_publish(ctx, invoice, fact=True)
    return True


async def delete_visit(ctx: Context, visit_id: UUID) -> bool:
    """A deleted visit gives its package redemption back and leaves its invoice (the due date
    follows the visits left). True when a line was removed; a void invoice keeps its lines."""
    await packages.give_back_visit(ctx, visit_id)
    invoice = await ctx.uow.invoices.for_visit(ctx.company_id, visit_id)
    if invoice is None or invoice.voided or not invoice.remove_visit(visit_id):
        return False
    invoice.follow_due_date_rule((await ctx.uow.invoices.settings(ctx.company_id)).due_date_rule)
    await save_and_publish(ctx, invoice, fact=True)
    return True


async def move_visit(ctx: Context, visit_id: UUID, visit_date: date) -> bool:
    """R-INV-3: a moved visit's line takes its new local date and the due date follows the
    company's rule (unless set by hand). True when something changed."""
    invoice = await ctx.uow.invoices.for_visit(ctx.company_id, visit_id)
    line = invoice.line_for_visit(visit_id) if invoice is not None else None
    if invoice is None or line is None or invoice.voided or line.visit_date == visit_date:
        return False
    invoice.replace_line(replace(line, visit_date=visit_date))
    invoice.follow_due_date_rule((await ctx.uow.invoices.settings(ctx.company_id)).due_date_rule)
    await save_and_publish(ctx, invoice)
    return True


async def describe_visit(ctx: Context, visit_id: UUID, description: str) -> bool:
    """The line's text follows the visit's service and pets (scheduling.visit.updated). The price
    stays (the event carries none). True when it changed."""
    invoice = await ctx.uow.invoices.for_visit(ctx.company_id, visit_id)
    line = invoice.line_for_visit(visit_id) if invoice is not None else None
    if invoice is None or line is None or invoice.voided or line.description == description:
        return False
    invoice.replace_line(replace(line, description=description))
    await save_and_publish(ctx, invoice)
    return True
