"""A company's billing settings and a client's own tax rate and rates (R-INV-2, R-INV-3): read and
changed by an admin or office manager only (staff have no billing access; a client none of this).

A change reaches the company's (or client's) draft invoices with nothing paid: their tax rate and
due date follow the new settings (each changed draft publishes `billing.invoice.updated` v2). An
invoice once sent or paid in part keeps what it was sent with. A client's rate is used for visits
invoiced after it is set (lines already on an invoice keep their price)."""

from __future__ import annotations

from uuid import UUID

from petcare_kit.errors import Forbidden, NotFound

from billing.domain.billing_settings import ClientBilling, CompanyBillingSettings, check_rate
from billing.domain.due_dates import DueDateRule
from billing.domain.invoices import Invoice, InvoiceStatus, tax_rate
from billing.service_layer.billing_settings_commands import PutBillingSettings, SetClientRate, SetClientTaxRate
from billing.service_layer.context import Context
from billing.service_layer.invoice_effects import company_today, save_and_publish
from billing.service_layer.invoices_ports import InvoiceFilter

BATCH = 200


class ClientNotFound(NotFound):
    code = "client_not_found"


class RateNotFound(NotFound):
    code = "client_rate_not_found"


def _require_manager(ctx: Context) -> None:
    # The route declares the roles too; the use case repeats it (BILLING.md: every route checks).
    if not ctx.identity.is_manager:
        raise Forbidden("Only an admin or office manager manages billing.", code="role_not_allowed")


async def _require_client(ctx: Context, client_id: UUID) -> None:
    _require_manager(ctx)
    if await ctx.uow.invoices.client(ctx.company_id, client_id) is None:
        raise ClientNotFound("No such client.", details={"client_id": str(client_id)})


async def get_settings(ctx: Context) -> CompanyBillingSettings:
    """The company's settings (the defaults until saved once). Raises Forbidden for non-managers."""
    _require_manager(ctx)
    return await ctx.uow.invoices.settings(ctx.company_id)


async def put_settings(ctx: Context, command: PutBillingSettings) -> CompanyBillingSettings:
    """R-INV-2/3: replace the company's settings; drafts with nothing paid follow the new tax rate
    (where their client has no own rate) and due-date rule. Commits once."""
    _require_manager(ctx)
    settings = CompanyBillingSettings(ctx.company_id, command.tax_rate_percent, command.cancellation_fee_percent,
                                      DueDateRule(command.due_date_basis, command.due_date_days))
    await ctx.uow.invoices.put_settings(settings)
    await _follow_settings(ctx, settings, client_id=None)
    await ctx.commit()
    return settings


async def get_client_billing(ctx: Context, client_id: UUID) -> ClientBilling:
    """The client's own tax rate and rates. Raises ClientNotFound (also another company's)."""
    await _require_client(ctx, client_id)
    return await ctx.uow.invoices.client_billing(ctx.company_id, client_id)


async def set_client_tax_rate(ctx: Context, client_id: UUID, command: SetClientTaxRate) -> ClientBilling:
    """R-INV-2: the client's own tax rate (None: the company's); the client's drafts with nothing
    paid follow it. Commits once. Raises ClientNotFound."""
    await _require_client(ctx, client_id)
    await ctx.uow.invoices.set_client_tax_rate(ctx.company_id, client_id, command.tax_rate_percent)
    await _follow_settings(ctx, await ctx.uow.invoices.settings(ctx.company_id), client_id=client_id)
    await ctx.commit()
    return await ctx.uow.invoices.client_billing(ctx.company_id, client_id)


async def set_client_rate(ctx: Context, client_id: UUID, service_id: UUID, command: SetClientRate) -> ClientBilling:
    """R-INV-2: the client's own price for the service (cents), for visits invoiced from now on.
    Commits once. Raises ClientNotFound."""
    await _require_client(ctx, client_id)
    await ctx.uow.invoices.put_client_rate(ctx.company_id, client_id, service_id, check_rate(command.rate_cents))
    await ctx.commit()
    return await ctx.uow.invoices.client_billing(ctx.company_id, client_id)


async def delete_client_rate(ctx: Context, client_id: UUID, service_id: UUID) -> None:
    """R-INV-2: back to the service's price for this client. Raises ClientNotFound, RateNotFound."""
    await _require_client(ctx, client_id)
    if not await ctx.uow.invoices.delete_client_rate(ctx.company_id, client_id, service_id):
        raise RateNotFound("This client has no own rate for this service.", details={"service_id": str(service_id)})
    await ctx.commit()


async def _follow_settings(ctx: Context, settings: CompanyBillingSettings, *, client_id: UUID | None) -> None:
    """Drafts with nothing paid (of one client, or of the company) take the tax rate and due date
    the settings give them now; each one changed is saved and published. Paged, since re-rating
    keeps a draft a draft (the pages do not shift)."""
    today = await company_today(ctx, ctx.company_id)
    offset = 0
    while True:
        drafts = await ctx.uow.invoices.page(ctx.company_id, InvoiceFilter(
            today=today, client_id=client_id, status=InvoiceStatus.DRAFT, limit=BATCH, offset=offset))
        for invoice in drafts:
            await _follow(ctx, settings, invoice)
        if len(drafts) < BATCH:
            return
        offset += BATCH


async def _follow(ctx: Context, settings: CompanyBillingSettings, listed: Invoice) -> None:
    invoice = await ctx.uow.invoices.get_for_update(ctx.company_id, listed.id)
    if invoice.paid_cents or invoice.voided or invoice.sent:
        return
    client = await ctx.uow.invoices.client_billing(ctx.company_id, invoice.client_id)
    rate = tax_rate(settings.tax_rate_percent, client.tax_rate_percent)
    due = invoice.due_date
    invoice.follow_due_date_rule(settings.due_date_rule)
    if rate == invoice.tax_rate_percent and due == invoice.due_date:
        return
    invoice.tax_rate_percent = rate
    await save_and_publish(ctx, invoice)
