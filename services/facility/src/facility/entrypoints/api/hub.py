"""The Client Hub over HTTP (R-FAC-1, R-FAC-4, R-FAC-6), admins and office managers only: for one
client, one call each for the un-invoiced events, the invoiced events (with their invoice), the
client's invoices and packages; the actions ask billing through `billing.commands` and answer 202
with the pending request (GET it, or the client's requests, for billing's answer: done, or refused
with billing's code and message). Facility never writes invoices itself (R-INV-1). POSTs accept the
kit's Idempotency-Key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.identity import MANAGERS, IdentityDep, allow

from facility.adapters.hub import SqlHub
from facility.adapters.unit_of_work import SqlUnitOfWork
from facility.entrypoints.api.hub_schemas import (
    AddPackage,
    HubEventList,
    HubEventView,
    HubInvoiceList,
    HubInvoiceView,
    HubPackageList,
    HubPackageView,
    InvoiceEvent,
    RedeemEvent,
    RequestList,
    RequestView,
)
from facility.service_layer import hub, hub_actions
from facility.service_layer.hub_ports import HubContext

router = APIRouter(tags=["client hub"])


async def _context(uow: UnitOfWorkDep, identity: IdentityDep) -> AsyncIterator[HubContext]:
    yield HubContext(SqlUnitOfWork(uow), identity, hub=SqlHub(uow.session))


HubContextDep = Annotated[HubContext, Depends(_context)]


@router.get("/hub/clients/{client_id}/uninvoiced-events", response_model=HubEventList, **allow(*MANAGERS))
async def uninvoiced_events(client_id: UUID, ctx: HubContextDep) -> HubEventList:
    """R-FAC-1: the client's events on no invoice (not cancelled), with pending requests. 404 client_not_found."""
    return HubEventList(items=[HubEventView.of(e) for e in await hub.uninvoiced_events(ctx, client_id)])


@router.get("/hub/clients/{client_id}/invoiced-events", response_model=HubEventList, **allow(*MANAGERS))
async def invoiced_events(client_id: UUID, ctx: HubContextDep) -> HubEventList:
    """R-FAC-1: the client's events on an invoice, with its number and status."""
    return HubEventList(items=[HubEventView.of(e) for e in await hub.invoiced_events(ctx, client_id)])


@router.get("/hub/clients/{client_id}/invoices", response_model=HubInvoiceList, **allow(*MANAGERS))
async def client_invoices(client_id: UUID, ctx: HubContextDep) -> HubInvoiceList:
    """R-FAC-1: the client's invoices (billing's, as last published)."""
    return HubInvoiceList(items=[HubInvoiceView.of(i) for i in await hub.client_invoices(ctx, client_id)])


@router.get("/hub/clients/{client_id}/packages", response_model=HubPackageList, **allow(*MANAGERS))
async def client_packages(client_id: UUID, ctx: HubContextDep) -> HubPackageList:
    """R-FAC-6: the client's packages with used / remaining / % used."""
    return HubPackageList(items=[HubPackageView.of(p) for p in await hub.client_packages(ctx, client_id)])


@router.get("/hub/clients/{client_id}/requests", response_model=RequestList, **allow(*MANAGERS))
async def client_requests(client_id: UUID, ctx: HubContextDep, pending: bool = False) -> RequestList:
    """The hub's requests to billing for the client, newest first (`pending=true`: only those waiting)."""
    return RequestList(items=[RequestView.of(r) for r in await hub.client_requests(ctx, client_id,
                                                                                    pending_only=pending)])


@router.get("/hub/requests/{request_id}", response_model=RequestView, **allow(*MANAGERS))
async def get_request(request_id: UUID, ctx: HubContextDep) -> RequestView:
    """One request: pending, done or refused (billing's code and message). 404 request_not_found."""
    return RequestView.of(await hub.get_request(ctx, request_id))


@router.post("/hub/events/{event_id}/invoice", status_code=202, response_model=RequestView, **allow(*MANAGERS))
async def invoice_event(event_id: UUID, body: InvoiceEvent, ctx: HubContextDep) -> RequestView:
    """R-FAC-4: the event with its add-ons on a new invoice (`invoice_id` null) or moved onto the
    client's open invoice. 404 facility_event_not_found; 409 event_cancelled, invoice_not_open,
    event_already_on_invoice, request_pending; 422 invoice_of_another_client."""
    return RequestView.of(await hub_actions.invoice_event(ctx, event_id, body.invoice_id))


@router.post("/hub/clients/{client_id}/packages", status_code=202, response_model=RequestView, **allow(*MANAGERS))
async def add_package(client_id: UUID, body: AddPackage, ctx: HubContextDep) -> RequestView:
    """R-FAC-6: add the company's package to the client. 404 client_not_found; 409 request_pending."""
    return RequestView.of(await hub_actions.add_package(ctx, client_id, body.package_id))


@router.post("/hub/events/{event_id}/redemptions", status_code=202, response_model=RequestView, **allow(*MANAGERS))
async def redeem_event(event_id: UUID, body: RedeemEvent, ctx: HubContextDep) -> RequestView:
    """R-FAC-6: redeem the event against the client's package. 404 facility_event_not_found; 409
    event_cancelled, request_pending; 422 client_package_of_another_client."""
    return RequestView.of(await hub_actions.redeem_event(ctx, event_id, body.client_package_id))
