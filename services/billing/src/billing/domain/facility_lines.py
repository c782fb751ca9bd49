"""Facility events on invoices (R-FAC-4, R-INV-1: facility events are invoiced only by hand from the
Client Hub): why billing refuses to put them on an invoice, and the lines it makes. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from petcare_kit.errors import Conflict, InvalidInput, NotFound

from billing.domain.invoices import Invoice, Line


class NoCharges(InvalidInput):
    code = "no_charges"


class ClientUnknown(NotFound):
    code = "client_not_found"


class InvoiceOfAnotherClient(Conflict):
    code = "invoice_of_another_client"


class InvoicePaid(Conflict):
    code = "invoice_paid"


class FacilityEventOnPaidInvoice(Conflict):
    """The event's lines are on an invoice with money paid on it: moving them would change what
    was paid for (refund first)."""

    code = "facility_event_on_paid_invoice"


@dataclass(frozen=True)
class FacilityChargeLine:
    """One line for a facility event (`add_on_id` None) or one of its add-ons; `price_cents` the
    facility's price in integer cents, `on` the local date it is for."""

    facility_event_id: UUID
    add_on_id: UUID | None
    service_id: UUID
    description: str
    on: date
    price_cents: int
    taxable: bool


def facility_line(charge: FacilityChargeLine, *, client_rate_cents: int | None,
                  package_cover_percent: Decimal | None) -> Line:
    """The invoice line of a charge: the client's own rate for the service where set, else the
    facility's price (R-INV-2); a package's cover applies to the event's own line only (R-PKG-1)."""
    price = client_rate_cents if client_rate_cents is not None else charge.price_cents
    return Line(charge.description, price, taxable=charge.taxable, service_id=charge.service_id,
                visit_date=charge.on, facility_event_id=charge.facility_event_id, add_on_id=charge.add_on_id,
                package_cover_percent=package_cover_percent if charge.add_on_id is None else None)


def check_can_take(invoice: Invoice, client_id: UUID) -> None:
    """The named invoice takes facility lines only when it is the client's, not void and not paid.
    Raises InvoiceOfAnotherClient, InvoiceIsVoid (via the code "invoice_void"), InvoicePaid."""
    if invoice.client_id != client_id:
        raise InvoiceOfAnotherClient("This invoice belongs to another client.",
                                     details={"invoice_id": str(invoice.id)})
    if invoice.voided:
        raise Conflict("This invoice is void: choose an open invoice.", code="invoice_void",
                       details={"invoice_id": str(invoice.id)})
    if not invoice.is_open:
        raise InvoicePaid("This invoice is paid: choose an open invoice.", details={"invoice_id": str(invoice.id)})


def check_can_leave(invoice: Invoice, facility_event_id: UUID) -> None:
    """An event's lines leave an invoice only while nothing is paid on it. Raises FacilityEventOnPaidInvoice."""
    if invoice.totals().paid_cents > 0:
        raise FacilityEventOnPaidInvoice(
            f"This event is on invoice {invoice.number}, which has payments: refund them first.",
            details={"invoice_id": str(invoice.id), "facility_event_id": str(facility_event_id)})


def without_events(invoice: Invoice, facility_event_ids: set[UUID]) -> bool:
    """Take the lines of these events (and their add-ons) off the invoice; True when any left."""
    kept = [line for line in invoice.lines if line.facility_event_id not in facility_event_ids]
    changed = len(kept) != len(invoice.lines)
    invoice.lines = kept
    return changed
