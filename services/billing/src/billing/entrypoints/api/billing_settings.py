"""The API of a company's billing settings and a client's own tax rate and rates (R-INV-2, R-INV-3).
Admin and office manager only. Thin: parse, call one use case, shape the answer. Percentages are
answered as decimal text ("8.875"), prices in integer cents."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter, Response
from petcare_kit.identity import MANAGERS, allow
from pydantic import BaseModel

from billing.domain.billing_settings import ClientBilling, CompanyBillingSettings
from billing.domain.due_dates import DueDateBasis
from billing.entrypoints.api.deps import ContextDep
from billing.service_layer import billing_settings
from billing.service_layer.billing_settings_commands import PutBillingSettings, SetClientRate, SetClientTaxRate

router = APIRouter(tags=["billing settings"])


def percent_text(percent: Decimal) -> str:
    """8.8750 → "8.875", 100 → "100": plain decimal text, no exponent."""
    return format(percent.normalize(), "f")


class BillingSettingsView(BaseModel):
    tax_rate_percent: str
    """The company's sales-tax rate on taxable lines, e.g. "8.875" (default "0")."""
    cancellation_fee_percent: str
    """The share of a cancelled visit's price its line keeps (default "100")."""
    due_date_basis: DueDateBasis
    """When an invoice is due: on or N days before the first service, on or N days after the last
    (default on_first_service)."""
    due_date_days: int
    """N for the "days_..." bases."""

    @classmethod
    def of(cls, settings: CompanyBillingSettings) -> BillingSettingsView:
        return cls(tax_rate_percent=percent_text(settings.tax_rate_percent),
                   cancellation_fee_percent=percent_text(settings.cancellation_fee_percent),
                   due_date_basis=settings.due_date_rule.basis, due_date_days=settings.due_date_rule.days)


class ClientRateView(BaseModel):
    service_id: UUID
    rate_cents: int


class ClientBillingView(BaseModel):
    client_id: UUID
    tax_rate_percent: str | None
    """The client's own sales-tax rate; null: the company's."""
    rates: list[ClientRateView]
    """The client's own price per service (integer cents)."""

    @classmethod
    def of(cls, client: ClientBilling) -> ClientBillingView:
        rate = client.tax_rate_percent
        return cls(client_id=client.client_id, tax_rate_percent=None if rate is None else percent_text(rate),
                   rates=[ClientRateView(service_id=s, rate_cents=c)
                          for s, c in sorted(client.rates.items(), key=lambda item: str(item[0]))])


@router.get("/settings", response_model=BillingSettingsView, **allow(*MANAGERS))
async def get_settings(ctx: ContextDep) -> BillingSettingsView:
    """R-INV-2/3: the company's billing settings (the defaults until saved)."""
    return BillingSettingsView.of(await billing_settings.get_settings(ctx))


@router.put("/settings", response_model=BillingSettingsView, **allow(*MANAGERS))
async def put_settings(body: PutBillingSettings, ctx: ContextDep) -> BillingSettingsView:
    """R-INV-2/3: replace them; draft invoices with nothing paid follow the new tax rate and due date."""
    return BillingSettingsView.of(await billing_settings.put_settings(ctx, body))


@router.get("/clients/{client_id}/billing", response_model=ClientBillingView, **allow(*MANAGERS))
async def get_client_billing(client_id: UUID, ctx: ContextDep) -> ClientBillingView:
    """R-INV-2: the client's own tax rate and rates. 404 `client_not_found`."""
    return ClientBillingView.of(await billing_settings.get_client_billing(ctx, client_id))


@router.put("/clients/{client_id}/tax-rate", response_model=ClientBillingView, **allow(*MANAGERS))
async def set_client_tax_rate(client_id: UUID, body: SetClientTaxRate, ctx: ContextDep) -> ClientBillingView:
    """R-INV-2: the client's own tax rate ("0": tax-exempt; null: the company's). 404 `client_not_found`."""
    return ClientBillingView.of(await billing_settings.set_client_tax_rate(ctx, client_id, body))


@router.put("/clients/{client_id}/rates/{service_id}", response_model=ClientBillingView, **allow(*MANAGERS))
async def set_client_rate(client_id: UUID, service_id: UUID, body: SetClientRate,
                          ctx: ContextDep) -> ClientBillingView:
    """R-INV-2: the client's own price for a service, for visits invoiced from now on. 404 `client_not_found`."""
    return ClientBillingView.of(await billing_settings.set_client_rate(ctx, client_id, service_id, body))


@router.delete("/clients/{client_id}/rates/{service_id}", status_code=204, **allow(*MANAGERS))
async def delete_client_rate(client_id: UUID, service_id: UUID, ctx: ContextDep) -> Response:
    """R-INV-2: back to the service's price. 404 `client_not_found`, `client_rate_not_found`."""
    await billing_settings.delete_client_rate(ctx, client_id, service_id)
    return Response(status_code=204)
