"""What the Client Hub's API answers and accepts (R-FAC-1, R-FAC-4, R-FAC-6). Managers only, so an
event carries the staff view (`EventView`, with the note: never shown to a client, R-FAC-3)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel

from facility.domain.hub import HubInvoice, HubPackage, HubRequest
from facility.entrypoints.api.schemas import EventView
from facility.service_layer.commands import Command
from facility.service_layer.hub import HubEvent


class InvoiceRefView(BaseModel):
    """The invoice an event is on."""

    invoice_id: UUID
    number: str
    status: str


class RequestView(BaseModel):
    """A request to billing: `state` pending until billing answers, then done or refused with
    billing's `code` and `message`; the invoice or client package it made or used."""

    request_id: UUID
    kind: str
    state: str
    client_id: UUID
    facility_event_id: UUID | None
    invoice_id: UUID | None
    package_id: UUID | None
    client_package_id: UUID | None
    code: str | None
    message: str | None
    requested_at: datetime
    answered_at: datetime | None

    @classmethod
    def of(cls, request: HubRequest) -> RequestView:
        return cls(request_id=request.request_id, kind=request.kind.value, state=request.state.value,
                   client_id=request.client_id, facility_event_id=request.facility_event_id,
                   invoice_id=request.invoice_id, package_id=request.package_id,
                   client_package_id=request.client_package_id, code=request.code, message=request.message,
                   requested_at=request.requested_at, answered_at=request.answered_at)


class HubEventView(BaseModel):
    event: EventView
    invoice: InvoiceRefView | None
    """None in the un-invoiced view."""
    pending: list[RequestView]
    """Requests about this event still waiting for billing's answer."""

    @classmethod
    def of(cls, item: HubEvent) -> HubEventView:
        invoice = item.invoice
        return cls(event=EventView.of(item.details), pending=[RequestView.of(r) for r in item.pending],
                   invoice=InvoiceRefView(invoice_id=invoice.invoice_id, number=invoice.number, status=invoice.status)
                   if invoice else None)


class HubEventList(BaseModel):
    items: list[HubEventView]


class HubInvoiceView(BaseModel):
    """An invoice as billing last published it. Money in integer cents."""

    invoice_id: UUID
    number: str
    status: str
    total_cents: int
    paid_cents: int
    balance_cents: int
    due_date: date | None
    facility_event_ids: list[UUID]

    @classmethod
    def of(cls, invoice: HubInvoice) -> HubInvoiceView:
        return cls(invoice_id=invoice.invoice_id, number=invoice.number, status=invoice.status,
                   total_cents=invoice.total_cents, paid_cents=invoice.paid_cents,
                   balance_cents=invoice.balance_cents, due_date=invoice.due_date,
                   facility_event_ids=list(invoice.facility_event_ids))


class HubInvoiceList(BaseModel):
    items: list[HubInvoiceView]


class ServiceUseView(BaseModel):
    service_id: UUID
    covered: int
    used: int


class HubPackageView(BaseModel):
    """R-FAC-6: a client's package, `percent_used` as billing's text with two places ("25.00")."""

    client_package_id: UUID
    package_id: UUID
    name: str
    ends_on: date | None
    services: list[ServiceUseView]
    used: int
    remaining: int
    percent_used: str

    @classmethod
    def of(cls, package: HubPackage) -> HubPackageView:
        return cls(client_package_id=package.client_package_id, package_id=package.package_id, name=package.name,
                   ends_on=package.ends_on, used=package.used, remaining=package.remaining,
                   percent_used=package.percent_used,
                   services=[ServiceUseView(service_id=s.service_id, covered=s.covered, used=s.used)
                             for s in package.services])


class HubPackageList(BaseModel):
    items: list[HubPackageView]


class RequestList(BaseModel):
    items: list[RequestView]


class InvoiceEvent(Command):
    """R-FAC-4: `invoice_id` the client's open invoice to move the event onto; left out or null: a
    new invoice."""

    invoice_id: UUID | None = None


class AddPackage(Command):
    """R-FAC-6: the company's package to add to the client."""

    package_id: UUID


class RedeemEvent(Command):
    """R-FAC-6: the client's package to redeem the event against."""

    client_package_id: UUID
