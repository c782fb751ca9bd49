"""The Client Hub's actions (R-FAC-4, R-FAC-6, R-INV-1), managers only: create a new invoice from
an event (with its add-ons), move an event onto the client's open invoice, add a package to the
client, redeem an event against one of the client's packages. Facility never writes invoices or
packages itself: each action queues a command on `billing.commands` through facility's outbox,
records the request as pending, and commits once; billing's `billing.command.answered` makes it
done or refused (service_layer/hub_read_model.py)."""

from __future__ import annotations

from uuid import UUID, uuid4

from petcare_contracts.events.billing import (
    FacilityCharge,
    FacilityInvoiceRequested,
    PackageAddRequested,
    PackageRedeemRequested,
)

from facility.domain.catalogue import ServiceKind
from facility.domain.events import EventStatus
from facility.domain.hub import (
    EventNotInvoiceable,
    HubPackageOfAnotherClient,
    HubRequest,
    InvoicingViews,
    RequestKind,
    RequestPending,
    check_move_target,
)
from facility.service_layer.event_details import EventDetails, detail_of
from facility.service_layer.hub import check_hub_client
from facility.service_layer.hub_ports import HubContext


def charges_of(details: EventDetails) -> list[FacilityCharge]:
    """R-FAC-4: the lines billing makes of an event: the event itself ("Overnight stay, 3 nights
    (Rex, Tom)" at its whole price) and each add-on on its own date (else the event's first)."""
    event, pets = details.event, ", ".join(details.pet_names.get(p, "") for p in details.event.pet_ids if p in
                                           details.pet_names)
    nights = event.when.nights
    what = details.service.name + (f", {nights} night{'s' if nights != 1 else ''}"
                                   if details.service.kind == ServiceKind.OVERNIGHT and nights else "")
    charges = [FacilityCharge(facility_event_id=event.id, service_id=event.service_id,
                              description=f"{what} ({pets})" if pets else what, on=event.when.starts_on,
                              price_cents=event.price_cents, taxable=event.taxable)]
    charges += [FacilityCharge(facility_event_id=event.id, add_on_id=a.id, service_id=a.service_id,
                               description=f"{details.service_name(a.service_id)} ({pets})" if pets
                               else details.service_name(a.service_id),
                               on=a.on or event.when.starts_on, price_cents=a.price_cents, taxable=a.taxable)
                for a in event.add_ons]
    return charges


async def _check_not_pending(ctx: HubContext, client_id: UUID, kind: RequestKind, *,
                             event_id: UUID | None = None, package_id: UUID | None = None) -> None:
    for request in await ctx.hub.requests_of(ctx.company_id, client_id, pending_only=True):
        if request.kind is kind and (request.facility_event_id, request.package_id) == (event_id, package_id):
            raise RequestPending("This was asked of billing already: wait for its answer.",
                                 details={"request_id": str(request.request_id)})


async def _invoiceable(ctx: HubContext, event_id: UUID) -> EventDetails:
    details = await detail_of(ctx, await ctx.uow.events.get(ctx.company_id, event_id))
    if details.event.status is EventStatus.CANCELLED:
        raise EventNotInvoiceable("This event is cancelled.", details={"facility_event_id": str(event_id)})
    return details


async def invoice_event(ctx: HubContext, event_id: UUID, invoice_id: UUID | None) -> HubRequest:
    """R-FAC-4: ask billing to put the event (with its add-ons) on a new invoice of its client
    (`invoice_id` None) or to move it onto the client's open invoice `invoice_id`. Returns the
    pending request. Raises EventNotFound (404), EventNotInvoiceable (409 event_cancelled),
    HubInvoiceOfAnotherClient (422), HubInvoiceNotOpen (409), AlreadyOnInvoice (409),
    RequestPending (409). Billing makes the last check (its refusal comes back as the answer)."""
    details = await _invoiceable(ctx, event_id)
    event = details.event
    if invoice_id is not None:
        current = InvoicingViews.of(await ctx.hub.invoices_of(ctx.company_id, event.client_id)).invoice_of.get(event.id)
        check_move_target(await ctx.hub.invoice(ctx.company_id, invoice_id), event.client_id, current)
    await _check_not_pending(ctx, event.client_id, RequestKind.INVOICE, event_id=event.id)
    command = FacilityInvoiceRequested(request_id=uuid4(), client_id=event.client_id, invoice_id=invoice_id,
                                       charges=charges_of(details))
    request = HubRequest(command.request_id, ctx.company_id, event.client_id, RequestKind.INVOICE, ctx.now(),
                         facility_event_id=event.id, invoice_id=invoice_id)
    return await _send(ctx, request, command)


async def add_package(ctx: HubContext, client_id: UUID, package_id: UUID) -> HubRequest:
    """R-FAC-6, R-PKG-1: ask billing to add the company's package `package_id` to the client.
    Raises ClientNotFound (404), RequestPending (409). Billing checks the package (its refusal
    comes back as the answer: package_not_found, disabled, ended, client_inactive)."""
    await check_hub_client(ctx, client_id)
    await _check_not_pending(ctx, client_id, RequestKind.ADD_PACKAGE, package_id=package_id)
    command = PackageAddRequested(request_id=uuid4(), client_id=client_id, package_id=package_id)
    request = HubRequest(command.request_id, ctx.company_id, client_id, RequestKind.ADD_PACKAGE, ctx.now(),
                         package_id=package_id)
    return await _send(ctx, request, command)


async def redeem_event(ctx: HubContext, event_id: UUID, client_package_id: UUID) -> HubRequest:
    """R-FAC-6, R-PKG-1: ask billing to redeem the event (its service, its first local date)
    against the client's package. Raises EventNotFound (404), EventNotInvoiceable (409),
    HubPackageOfAnotherClient (422, when the hub knows the package), RequestPending (409).
    Billing's refusals come back as the answer (not_covered, used_up, ended, limit, ...)."""
    event = (await _invoiceable(ctx, event_id)).event
    package = await ctx.hub.package(ctx.company_id, client_package_id)
    if package is not None and package.client_id != event.client_id:
        raise HubPackageOfAnotherClient("This package belongs to another client.",
                                        details={"client_package_id": str(client_package_id)})
    await _check_not_pending(ctx, event.client_id, RequestKind.REDEEM, event_id=event.id)
    command = PackageRedeemRequested(request_id=uuid4(), client_id=event.client_id,
                                     client_package_id=client_package_id, facility_event_id=event.id,
                                     service_id=event.service_id, on=event.when.starts_on)
    request = HubRequest(command.request_id, ctx.company_id, event.client_id, RequestKind.REDEEM, ctx.now(),
                         facility_event_id=event.id, client_package_id=client_package_id)
    return await _send(ctx, request, command)


async def _send(ctx: HubContext, request: HubRequest,
                command: FacilityInvoiceRequested | PackageAddRequested | PackageRedeemRequested) -> HubRequest:
    await ctx.hub.add_request(request)
    await ctx.publish(command)
    await ctx.commit()
    return request
