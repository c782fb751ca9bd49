"""Invoices over HTTP (R-INV-2..4, R-EMAIL-5, R-NEVER-1). Managers (admin, office manager) list,
read, create and change a company's invoices and press "Email To Client"; a client reads their own
in the portal (`/portal/invoices`, never a draft, another client's is a 404). Staff have no billing
access. Thin: each route builds the command, calls one use case, returns a view."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from petcare_kit.identity import MANAGERS, Role, allow
from petcare_kit.validation import Limit, Offset

from billing.domain.invoices import InvoiceStatus
from billing.entrypoints.api.deps import ContextDep
from billing.entrypoints.api.invoice_schemas import ClientInvoicePage, ClientInvoiceView, InvoicePage, InvoiceView
from billing.service_layer import invoices
from billing.service_layer.invoices_commands import AddCustomLine, CreateInvoice, SetCancellationFee, SetDiscount

router = APIRouter(tags=["invoices"])


@router.get("/invoices", response_model=InvoicePage, **allow(*MANAGERS))
async def list_invoices(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0, client_id: UUID | None = None,
                        status: InvoiceStatus | None = None) -> InvoicePage:
    """Newest first; `client_id` and `status` (R-INV-3, as of the company's local today) narrow it."""
    found = await invoices.list_invoices(ctx, limit=limit, offset=offset, client_id=client_id, status=status)
    return InvoicePage.of(found, limit=limit, offset=offset)


@router.post("/invoices", status_code=201, response_model=InvoiceView, **allow(*MANAGERS))
async def create_invoice(body: CreateInvoice, ctx: ContextDep) -> InvoiceView:
    """An empty draft for the client (never emailed, R-NEVER-1). 404 `client_not_found`."""
    return InvoiceView.of(await invoices.create_invoice(ctx, body))


@router.get("/invoices/{invoice_id}", response_model=InvoiceView, **allow(*MANAGERS))
async def get_invoice(invoice_id: UUID, ctx: ContextDep) -> InvoiceView:
    """Lines, totals, status and due date (R-INV-2, R-INV-3). 404 `invoice_not_found`."""
    return InvoiceView.of(await invoices.get_invoice(ctx, invoice_id))


@router.post("/invoices/{invoice_id}/lines", status_code=201, response_model=InvoiceView, **allow(*MANAGERS))
async def add_custom_line(invoice_id: UUID, body: AddCustomLine, ctx: ContextDep) -> InvoiceView:
    """R-INV-2: a custom line. 409 `invoice_void`."""
    return InvoiceView.of(await invoices.add_custom_line(ctx, invoice_id, body))


@router.delete("/invoices/{invoice_id}/lines/{line_id}", response_model=InvoiceView, **allow(*MANAGERS))
async def remove_line(invoice_id: UUID, line_id: UUID, ctx: ContextDep) -> InvoiceView:
    """A custom line off. 404 `invoice_line_not_found`; 409 `invoice_line_not_custom` (a visit's line
    leaves with its visit), `invoice_void`, `invoice_total_below_paid`."""
    return InvoiceView.of(await invoices.remove_line(ctx, invoice_id, line_id))


@router.put("/invoices/{invoice_id}/discount", response_model=InvoiceView, **allow(*MANAGERS))
async def set_discount(invoice_id: UUID, body: SetDiscount, ctx: ContextDep) -> InvoiceView:
    """R-INV-2: `amount_cents` or `percent` off the invoice. 409 `invoice_void`, `invoice_total_below_paid`."""
    return InvoiceView.of(await invoices.set_discount(ctx, invoice_id, body))


@router.delete("/invoices/{invoice_id}/discount", response_model=InvoiceView, **allow(*MANAGERS))
async def remove_discount(invoice_id: UUID, ctx: ContextDep) -> InvoiceView:
    return InvoiceView.of(await invoices.set_discount(ctx, invoice_id, None))


@router.put("/invoices/{invoice_id}/lines/{line_id}/cancellation-fee", response_model=InvoiceView,
            **allow(*MANAGERS))
async def set_cancellation_fee(invoice_id: UUID, line_id: UUID, body: SetCancellationFee,
                               ctx: ContextDep) -> InvoiceView:
    """R-INV-2: a cancelled visit's fee for this line (`null`: the company's default). 409
    `invoice_line_not_cancelled`."""
    return InvoiceView.of(await invoices.set_cancellation_fee(ctx, invoice_id, line_id, body))


@router.post("/invoices/{invoice_id}/void", response_model=InvoiceView, **allow(*MANAGERS))
async def void_invoice(invoice_id: UUID, ctx: ContextDep) -> InvoiceView:
    """409 `invoice_void` (already), `invoice_has_payments` (refund first)."""
    return InvoiceView.of(await invoices.void_invoice(ctx, invoice_id))


@router.post("/invoices/{invoice_id}/email", response_model=InvoiceView, **allow(*MANAGERS))
async def email_invoice(invoice_id: UUID, ctx: ContextDep, request: Request) -> InvoiceView:
    """R-EMAIL-5 "Email To Client": the client gets one email with the invoice's portal link; the
    invoice is marked sent (R-INV-4). The only way an invoice is ever emailed (R-NEVER-1)."""
    portal = request.app.state.runtime.settings.portal_base_url
    return InvoiceView.of(await invoices.email_invoice(ctx, invoice_id, portal_base_url=portal))


@router.get("/portal/invoices", response_model=ClientInvoicePage, **allow(Role.CLIENT))
async def list_my_invoices(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0) -> ClientInvoicePage:
    """The client's own invoices that were sent to them, newest first (drafts are not shown)."""
    found = await invoices.list_my_invoices(ctx, limit=limit, offset=offset)
    return ClientInvoicePage.of(found, limit=limit, offset=offset)


@router.get("/portal/invoices/{invoice_id}", response_model=ClientInvoiceView, **allow(Role.CLIENT))
async def get_my_invoice(invoice_id: UUID, ctx: ContextDep) -> ClientInvoiceView:
    """One of the client's own invoices. 404 `invoice_not_found` for another client's, another
    company's or a draft."""
    return ClientInvoiceView.of(await invoices.get_my_invoice(ctx, invoice_id))
