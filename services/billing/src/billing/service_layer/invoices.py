"""Use cases of the invoice API (R-INV-2..4, R-EMAIL-5, R-NEVER-1): managers (admin, office manager)
list, read, create and change invoices and press "Email To Client"; a client lists and reads their
own (never a draft, never another client's). Staff have no billing access.

Every change goes through `invoice_effects.save_and_publish` (`billing.invoice.updated` v2, the
whole state with the next revision) and commits once. Only `email_invoice` ever asks for an invoice
email (`billing.invoice.email_requested` v1, R-EMAIL-5); nothing else here notifies anyone (R-NEVER-1).
Statuses are as of the company's local today (R-INV-3: past due depends on it)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID, uuid4

from petcare_contracts.events.billing import InvoiceEmailRequested
from petcare_kit.errors import Conflict, Forbidden, NotFound
from petcare_kit.identity import Role

from billing.domain.invoices import (
    Discount,
    Invoice,
    InvoiceEmpty,
    InvoiceIsVoid,
    InvoiceNotFound,
    InvoiceStatus,
    Line,
    cancelled,
)
from billing.domain.invoices import TotalBelowPaid as TotalBelowPaid  # raised through save_and_publish
from billing.service_layer.billing_settings import ClientNotFound
from billing.service_layer.context import Context
from billing.service_layer.invoice_effects import company_today, new_invoice, save_and_publish
from billing.service_layer.invoices_commands import AddCustomLine, CreateInvoice, SetCancellationFee, SetDiscount
from billing.service_layer.invoices_ports import InvoiceFilter

CLIENT_BATCH = 200
"""How many of a client's invoices are read at a time for their portal list."""


def shown_to_client(invoice: Invoice) -> bool:
    """A client sees an invoice once it was sent to them ("Email To Client") or something was paid
    on it (an admin may charge a draft, R-PAY-2: its confirmation names it). A draft is the
    business's work in progress (its lines and prices may still change) and stays hidden."""
    return invoice.sent or invoice.paid_cents > 0


class LineNotFound(NotFound):
    code = "invoice_line_not_found"


class LineNotCustom(Conflict):
    """Only custom lines are removed by hand: a visit's line leaves with the visit (deleted in the
    scheduler), a facility event's from the Client Hub (R-FAC-4), a package's with the package."""

    code = "invoice_line_not_custom"


class LineNotCancelled(Conflict):
    code = "invoice_line_not_cancelled"


@dataclass(frozen=True)
class DatedInvoice:
    """An invoice with the company's local date its status is computed on (R-INV-3)."""

    invoice: Invoice
    today: date

    @property
    def status(self) -> InvoiceStatus:
        return self.invoice.status_on(self.today)


@dataclass(frozen=True)
class InvoiceList:
    """One page of invoices (newest first), `total` matching, statuses as of `today`."""

    items: list[Invoice]
    total: int
    today: date


def _require_manager(ctx: Context) -> None:
    # The route declares the roles; the use case repeats it (a client or staff member is refused).
    if not ctx.identity.is_manager:
        raise Forbidden("Only an admin or office manager manages invoices.", code="role_not_allowed")


def _require_client(ctx: Context) -> UUID:
    if ctx.identity.role is not Role.CLIENT:
        raise Forbidden("Only a client reads their invoices in the portal.", code="role_not_allowed")
    return ctx.signed_in_person_id


# ---- reads -----------------------------------------------------------------------------------

async def list_invoices(ctx: Context, *, limit: int, offset: int, client_id: UUID | None = None,
                        status: InvoiceStatus | None = None) -> InvoiceList:
    """The company's invoices, newest first, of one client and/or in one status (as of the company's
    local today). Managers only (Forbidden otherwise)."""
    _require_manager(ctx)
    today = await company_today(ctx, ctx.company_id)
    query = InvoiceFilter(today=today, client_id=client_id, status=status, limit=limit, offset=offset)
    invoices = ctx.uow.invoices
    return InvoiceList(await invoices.page(ctx.company_id, query), await invoices.count(ctx.company_id, query), today)


async def get_invoice(ctx: Context, invoice_id: UUID) -> DatedInvoice:
    """One invoice with its lines and totals. Raises InvoiceNotFound (404, also another company's),
    Forbidden for non-managers."""
    _require_manager(ctx)
    invoice = await ctx.uow.invoices.get(ctx.company_id, invoice_id)
    return DatedInvoice(invoice, await company_today(ctx, ctx.company_id))


async def list_my_invoices(ctx: Context, *, limit: int, offset: int) -> InvoiceList:
    """The signed-in client's own invoices they were sent (never a draft), newest first."""
    client_id = _require_client(ctx)
    today = await company_today(ctx, ctx.company_id)
    # The repository filters by one status at most, so drafts are left out here: a client has few
    # invoices, read in batches.
    shown: list[Invoice] = []
    batch = InvoiceFilter(today=today, client_id=client_id, limit=CLIENT_BATCH, offset=0)
    while page := await ctx.uow.invoices.page(ctx.company_id, batch):
        shown += [invoice for invoice in page if shown_to_client(invoice)]
        batch = replace(batch, offset=batch.offset + len(page))
    return InvoiceList(shown[offset:offset + limit], len(shown), today)


async def get_my_invoice(ctx: Context, invoice_id: UUID) -> DatedInvoice:
    """The signed-in client's own invoice. Raises InvoiceNotFound (404) for another client's or
    company's invoice and for a draft: the same answer as an unknown id, so nothing leaks."""
    client_id = _require_client(ctx)
    invoice = await ctx.uow.invoices.get(ctx.company_id, invoice_id)
    if invoice.client_id != client_id or not shown_to_client(invoice):
        raise InvoiceNotFound("No such invoice.", details={"invoice_id": str(invoice_id)})
    return DatedInvoice(invoice, await company_today(ctx, ctx.company_id))


# ---- changes ---------------------------------------------------------------------------------

async def create_invoice(ctx: Context, command: CreateInvoice) -> DatedInvoice:
    """An empty draft invoice for a client of the company, with the company's next number and the
    client's tax rate (R-INV-2); publishes `billing.invoice.updated` v2, never an email (R-NEVER-1).
    Raises ClientNotFound (404: unknown, or another company's)."""
    _require_manager(ctx)
    if await ctx.uow.invoices.client(ctx.company_id, command.client_id) is None:
        raise ClientNotFound("No such client.", details={"client_id": str(command.client_id)})
    invoice = await new_invoice(ctx, ctx.company_id, command.client_id, uuid4())
    await save_and_publish(ctx, invoice, new=True)
    await ctx.commit()
    return DatedInvoice(invoice, await company_today(ctx, ctx.company_id))


async def add_custom_line(ctx: Context, invoice_id: UUID, command: AddCustomLine) -> DatedInvoice:
    """R-INV-2: a custom line. Raises InvoiceNotFound, InvoiceIsVoid (409)."""
    invoice = await _for_change(ctx, invoice_id)
    invoice.add_line(Line(command.description, command.unit_cents, quantity=command.quantity,
                          taxable=command.taxable))
    return await _save(ctx, invoice)


async def remove_line(ctx: Context, invoice_id: UUID, line_id: UUID) -> DatedInvoice:
    """Take a custom line off. Raises InvoiceNotFound, LineNotFound (404), LineNotCustom (409: a
    visit's, a facility event's or a package's line), InvoiceIsVoid, TotalBelowPaid (409)."""
    invoice = await _for_change(ctx, invoice_id)
    line = _line(invoice, line_id)
    if line.visit_id is not None or line.facility_event_id is not None or line.client_package_id is not None:
        raise LineNotCustom("This line comes from a visit, a facility event or a package: change it there "
                            "(the scheduler, the Client Hub) instead.", details={"line_id": str(line_id)})
    invoice.lines = [kept for kept in invoice.lines if kept.line_id != line_id]
    return await _save(ctx, invoice)


async def set_discount(ctx: Context, invoice_id: UUID, command: SetDiscount | None) -> DatedInvoice:
    """R-INV-2: the invoice's own discount, in cents or %; None removes it. Raises InvoiceNotFound,
    InvoiceIsVoid, TotalBelowPaid (409), InvalidDiscount (422: cents above what the lines come to)."""
    invoice = await _for_change(ctx, invoice_id)
    discount = None if command is None else Discount(command.amount_cents, command.percent)
    if discount is not None:
        invoice.check_discount(discount)
    invoice.discount = discount
    return await _save(ctx, invoice)


async def set_cancellation_fee(ctx: Context, invoice_id: UUID, line_id: UUID,
                               command: SetCancellationFee) -> DatedInvoice:
    """R-INV-2: a cancelled visit's line charges `command.percent` % of its price (None: the company's
    default). Raises InvoiceNotFound, LineNotFound, LineNotCancelled (409), InvoiceIsVoid, TotalBelowPaid."""
    invoice = await _for_change(ctx, invoice_id)
    line = _line(invoice, line_id)
    if not line.cancelled:
        raise LineNotCancelled("Only a cancelled visit's line has a cancellation fee.",
                               details={"line_id": str(line_id)})
    settings = await ctx.uow.invoices.settings(ctx.company_id)
    invoice.replace_line(cancelled(line, company_fee_percent=settings.cancellation_fee_percent,
                                   override_percent=command.percent))
    return await _save(ctx, invoice)


async def void_invoice(ctx: Context, invoice_id: UUID) -> DatedInvoice:
    """Void an invoice that holds no money. Raises InvoiceNotFound, InvoiceIsVoid, InvoiceHasPayments (409)."""
    invoice = await _for_change(ctx, invoice_id)
    invoice.void()
    return await _save(ctx, invoice)


async def email_invoice(ctx: Context, invoice_id: UUID, *, portal_base_url: str) -> DatedInvoice:
    """R-EMAIL-5 / R-INV-4, "Email To Client": publishes `billing.invoice.email_requested` v1 (the
    invoice's portal address `{portal_base_url}/invoices/{id}`, total and balance in cents), which
    notifications turns into the one email, and marks the invoice sent (again, when it was). The
    only use case that ever asks for an invoice email (R-NEVER-1). Raises InvoiceNotFound, InvoiceIsVoid,
    InvoiceEmpty (409: no lines, nothing to bill; nothing sent)."""
    invoice = await _for_change(ctx, invoice_id)
    if not invoice.lines:
        raise InvoiceEmpty("This invoice has no lines: add what to bill before emailing it.",
                           details={"invoice_id": str(invoice_id)})
    invoice.mark_sent()
    totals = invoice.totals()
    await ctx.publish(InvoiceEmailRequested(
        invoice_id=invoice.id, client_id=invoice.client_id, number=invoice.number,
        total_cents=totals.total_cents, balance_cents=totals.owed_cents,
        invoice_url=f"{portal_base_url.rstrip('/')}/invoices/{invoice.id}"))
    return await _save(ctx, invoice)


# ---- helpers ---------------------------------------------------------------------------------

async def _for_change(ctx: Context, invoice_id: UUID) -> Invoice:
    _require_manager(ctx)
    invoice = await ctx.uow.invoices.get_for_update(ctx.company_id, invoice_id)
    if invoice.voided:
        raise InvoiceIsVoid("This invoice is void: nothing can be changed on it.",
                            details={"invoice_id": str(invoice_id)})
    return invoice


def _line(invoice: Invoice, line_id: UUID) -> Line:
    line = next((line for line in invoice.lines if line.line_id == line_id), None)
    if line is None:
        raise LineNotFound("No such line on this invoice.", details={"line_id": str(line_id)})
    return line


async def _save(ctx: Context, invoice: Invoice) -> DatedInvoice:
    # save_and_publish runs the one money check (TotalBelowPaid) before anything is stored.
    await save_and_publish(ctx, invoice)
    await ctx.commit()
    return DatedInvoice(invoice, await company_today(ctx, ctx.company_id))
