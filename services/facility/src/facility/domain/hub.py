"""The Client Hub (R-FAC-1, R-FAC-6, R-FAC-4): what facility knows of a client's invoices and
packages (read models of `billing.events`) and the requests it sent billing (`billing.commands`),
pending until billing answers. Pure. Facility never writes invoices itself (R-INV-1): it asks.

Money in integer cents. A read-model row is replaced only by a higher `revision` (billing publishes
whole states), so a replayed or late event never turns the hub back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from petcare_kit.errors import Conflict, InvalidInput, NotFound

OPEN_STATUSES = frozenset({"draft", "sent", "partially_paid", "past_due"})
"""Invoice statuses that still take lines (not void, not paid)."""


class HubInvoiceNotOpen(Conflict):
    """R-FAC-4: an event moves only onto an open invoice (not void, not paid)."""

    code = "invoice_not_open"


class HubInvoiceOfAnotherClient(InvalidInput):
    code = "invoice_of_another_client"


class HubPackageOfAnotherClient(InvalidInput):
    code = "client_package_of_another_client"


class AlreadyOnInvoice(Conflict):
    code = "event_already_on_invoice"


class EventNotInvoiceable(Conflict):
    """A cancelled event is neither invoiced nor redeemed from the hub."""

    code = "event_cancelled"


class RequestPending(Conflict):
    """The same action on the same event (or package) waits for billing's answer already."""

    code = "request_pending"


class RequestNotFound(NotFound):
    code = "request_not_found"


@dataclass(frozen=True)
class HubInvoice:
    """A client's invoice as `billing.invoice.updated` v2 last said (highest revision)."""

    invoice_id: UUID
    company_id: UUID
    client_id: UUID
    number: str
    status: str
    total_cents: int
    paid_cents: int
    balance_cents: int
    due_date: date | None
    revision: int
    facility_event_ids: tuple[UUID, ...] = ()
    visit_ids: tuple[UUID, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class ServiceUse:
    """One service of a client's package: how many it covers and how many are used."""

    service_id: UUID
    covered: int
    used: int


@dataclass(frozen=True)
class HubPackage:
    """A client's package as `billing.package.changed` v1 last said (R-FAC-6, R-PKG-1):
    `percent_used` is billing's decimal text with two places ("37.50")."""

    client_package_id: UUID
    company_id: UUID
    client_id: UUID
    package_id: UUID
    name: str
    ends_on: date | None
    services: tuple[ServiceUse, ...]
    used: int
    remaining: int
    percent_used: str
    revision: int


class RequestKind(StrEnum):
    """What the hub asked billing: the command's event type."""

    INVOICE = "billing.facility_invoice.requested"
    ADD_PACKAGE = "billing.package.add_requested"
    REDEEM = "billing.package.redeem_requested"


class RequestState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    REFUSED = "refused"


@dataclass(frozen=True)
class HubRequest:
    """A command sent to billing from the hub and, once it came, billing's answer (`code` and
    `message` when refused; the invoice or client package when done). `invoice_id` /
    `client_package_id` are what was asked until answered, then what billing made or used."""

    request_id: UUID
    company_id: UUID
    client_id: UUID
    kind: RequestKind
    requested_at: datetime
    facility_event_id: UUID | None = None
    invoice_id: UUID | None = None
    package_id: UUID | None = None
    client_package_id: UUID | None = None
    state: RequestState = RequestState.PENDING
    code: str | None = None
    message: str | None = None
    answered_at: datetime | None = None

    def answered(self, *, done: bool, at: datetime, code: str | None, message: str | None,
                 invoice_id: UUID | None, client_package_id: UUID | None) -> HubRequest:
        """Billing's answer. An answer already recorded stays (billing answers once; a replay is
        the same answer)."""
        if self.state is not RequestState.PENDING:
            return self
        return replace(self, state=RequestState.DONE if done else RequestState.REFUSED, code=code, message=message,
                       answered_at=at, invoice_id=invoice_id or self.invoice_id,
                       client_package_id=client_package_id or self.client_package_id)


@dataclass(frozen=True)
class InvoicingViews:
    """R-FAC-1: which of a client's events are on which invoice (not void)."""

    invoice_of: dict[UUID, HubInvoice] = field(default_factory=dict)

    @classmethod
    def of(cls, invoices: Iterable[HubInvoice]) -> InvoicingViews:
        invoice_of: dict[UUID, HubInvoice] = {}
        for invoice in invoices:
            if invoice.status != "void":
                for event_id in invoice.facility_event_ids:
                    invoice_of[event_id] = invoice
        return cls(invoice_of)


def check_move_target(invoice: HubInvoice | None, client_id: UUID, current: HubInvoice | None) -> None:
    """R-FAC-4: an event moves onto an open invoice of its own client that it is not on already.
    An invoice the hub has not heard of yet is left to billing to check. Raises
    HubInvoiceOfAnotherClient (422), HubInvoiceNotOpen (409), AlreadyOnInvoice (409)."""
    if invoice is None:
        return
    details = {"invoice_id": str(invoice.invoice_id), "number": invoice.number, "status": invoice.status}
    if invoice.client_id != client_id:
        raise HubInvoiceOfAnotherClient("This invoice belongs to another client.", details=details)
    if not invoice.is_open:
        raise HubInvoiceNotOpen(f"Invoice {invoice.number} is {invoice.status.replace('_', ' ')}: "
                                "choose an open invoice.", details=details)
    if current is not None and current.invoice_id == invoice.invoice_id:
        raise AlreadyOnInvoice(f"This event is on invoice {invoice.number} already.", details=details)
