"""The Client Hub's views for one client (R-FAC-1, R-FAC-6), managers only: one call each for the
un-invoiced events, the invoiced events (with their invoice), the client's invoices and the
client's packages (used / remaining / % used); and the requests sent to billing with its answers.
Invoices and packages are read models of `billing.events`; events are facility's own."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from facility.domain.errors import ClientNotFound
from facility.domain.events import EventStatus, FacilityEvent
from facility.domain.hub import HubInvoice, HubPackage, HubRequest, InvoicingViews, RequestNotFound
from facility.service_layer.event_details import EventDetails, details_of
from facility.service_layer.hub_ports import HubContext

PAGE = 200


@dataclass(frozen=True)
class HubEvent:
    """An event in a hub view: its details, its invoice (None: un-invoiced) and the requests about
    it still waiting for billing's answer."""

    details: EventDetails
    invoice: HubInvoice | None
    pending: list[HubRequest]


async def check_hub_client(ctx: HubContext, client_id: UUID) -> None:
    """The client is one of the company's (active or not: their invoices stay). Raises
    ClientNotFound (404; another company's too)."""
    person = await ctx.uow.people.person(ctx.company_id, client_id)
    if person is None or person.kind != "client":
        raise ClientNotFound("No such client in your company.", details={"client_id": str(client_id)})


async def _events_of(ctx: HubContext, client_id: UUID) -> list[FacilityEvent]:
    found: list[FacilityEvent] = []
    while True:
        page = await ctx.uow.events.page(ctx.company_id, limit=PAGE, offset=len(found), client_id=client_id)
        found.extend(page)
        if len(page) < PAGE:
            return found


async def _hub_events(ctx: HubContext, client_id: UUID, *, invoiced: bool) -> list[HubEvent]:
    await check_hub_client(ctx, client_id)
    views = InvoicingViews.of(await ctx.hub.invoices_of(ctx.company_id, client_id))
    pending: dict[UUID, list[HubRequest]] = {}
    for request in await ctx.hub.requests_of(ctx.company_id, client_id, pending_only=True):
        if request.facility_event_id is not None:
            pending.setdefault(request.facility_event_id, []).append(request)
    chosen = [e for e in await _events_of(ctx, client_id)
              if (e.id in views.invoice_of) == invoiced and (invoiced or e.status is not EventStatus.CANCELLED)]
    return [HubEvent(d, views.invoice_of.get(d.event.id), pending.get(d.event.id, []))
            for d in await details_of(ctx, chosen)]


async def uninvoiced_events(ctx: HubContext, client_id: UUID) -> list[HubEvent]:
    """R-FAC-1: the client's events on no invoice (cancelled ones left out), by start, each with
    its pending requests. Raises ClientNotFound."""
    return await _hub_events(ctx, client_id, invoiced=False)


async def invoiced_events(ctx: HubContext, client_id: UUID) -> list[HubEvent]:
    """R-FAC-1: the client's events on an invoice (not void), by start, with that invoice's
    number and status. Raises ClientNotFound."""
    return await _hub_events(ctx, client_id, invoiced=True)


async def client_invoices(ctx: HubContext, client_id: UUID) -> list[HubInvoice]:
    """R-FAC-1: the client's invoices as billing last published them, newest number first."""
    await check_hub_client(ctx, client_id)
    return await ctx.hub.invoices_of(ctx.company_id, client_id)


async def client_packages(ctx: HubContext, client_id: UUID) -> list[HubPackage]:
    """R-FAC-6: the client's packages with used / remaining / % used, by name."""
    await check_hub_client(ctx, client_id)
    return await ctx.hub.packages_of(ctx.company_id, client_id)


async def client_requests(ctx: HubContext, client_id: UUID, *, pending_only: bool = False) -> list[HubRequest]:
    """The hub's requests to billing for the client, newest first: pending, done or refused (with
    billing's code and message)."""
    await check_hub_client(ctx, client_id)
    return await ctx.hub.requests_of(ctx.company_id, client_id, pending_only=pending_only)


async def get_request(ctx: HubContext, request_id: UUID) -> HubRequest:
    """One request of the company. Raises RequestNotFound (404; another company's too)."""
    request = await ctx.hub.request(request_id)
    if request is None or request.company_id != ctx.company_id:
        raise RequestNotFound("No such request.", details={"request_id": str(request_id)})
    return request
