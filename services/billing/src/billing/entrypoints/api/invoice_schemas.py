"""What the invoice API answers: one pydantic model per answer, so the merged OpenAPI document says
exactly what comes back. Money is integer cents; percentages are decimal text ("8.875").

A client's answers (`ClientInvoiceView`, `ClientInvoicePage`) are their own models listing each
field they carry, so a field the business's view gains later never reaches a client by accident."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from billing.domain.invoices import Discount, Invoice, InvoiceStatus, Line, Totals
from billing.service_layer.invoices import DatedInvoice, InvoiceList

LineKind = Literal["visit", "facility", "package", "custom"]


def percent_text(percent: Decimal | None) -> str | None:
    """8.8750 → "8.875", 100 → "100"; None stays None."""
    return None if percent is None else format(percent.normalize(), "f")


def _kind(line: Line) -> LineKind:
    if line.visit_id is not None:
        return "visit"
    if line.facility_event_id is not None:
        return "facility"
    return "package" if line.client_package_id is not None else "custom"


class TotalsView(BaseModel):
    """Integer cents. total = subtotal - discount + tax + tips; balance = what is still owed, total - paid
    (paid net of refunds), never below 0; credit = paid beyond the total, a refund due to the client
    (a visit cancelled on a paid invoice), else 0."""

    subtotal_cents: int
    discount_cents: int
    """Every discount together: the lines' own, the invoice's and packages' cover."""
    tax_cents: int
    tips_cents: int
    total_cents: int
    paid_cents: int
    balance_cents: int
    credit_cents: int

    @classmethod
    def of(cls, totals: Totals) -> TotalsView:
        return cls(subtotal_cents=totals.subtotal_cents, discount_cents=totals.discount_cents,
                   tax_cents=totals.tax_cents, tips_cents=totals.tips_cents, total_cents=totals.total_cents,
                   paid_cents=totals.paid_cents, balance_cents=totals.owed_cents,
                   credit_cents=totals.credit_cents)


class DiscountView(BaseModel):
    """Exactly one of the two is set."""

    amount_cents: int | None
    percent: str | None

    @classmethod
    def of(cls, discount: Discount | None) -> DiscountView | None:
        if discount is None:
            return None
        return cls(amount_cents=discount.amount_cents, percent=percent_text(discount.percent))


class LineView(BaseModel):
    id: UUID
    kind: LineKind
    """visit: from the scheduler (R-INV-1); facility: a facility event or add-on invoiced from the Client
    Hub (R-FAC-4); package: a package sold to the client; custom: added by hand."""
    description: str
    unit_cents: int
    quantity: int
    amount_cents: int
    """quantity × unit, or the cancellation fee of a cancelled visit."""
    net_cents: int
    """The amount less the package's cover and the line's own discount (before the invoice's discount)."""
    taxable: bool
    visit_id: UUID | None
    visit_date: date | None
    """The visit's local date (a visit's line)."""
    facility_event_id: UUID | None
    cancelled: bool
    cancellation_fee_percent: str | None
    """The share of the price a cancelled visit's line keeps (R-INV-2)."""
    package_cover_percent: str | None

    @classmethod
    def of(cls, line: Line) -> LineView:
        return cls(id=line.line_id, kind=_kind(line), description=line.description, unit_cents=line.unit_cents,
                   quantity=line.quantity, amount_cents=line.amount_cents, net_cents=line.net_cents,
                   taxable=line.taxable, visit_id=line.visit_id, visit_date=line.visit_date,
                   facility_event_id=line.facility_event_id, cancelled=line.cancelled,
                   cancellation_fee_percent=percent_text(line.cancellation_fee_percent),
                   package_cover_percent=percent_text(line.package_cover_percent))


class InvoiceView(BaseModel):
    """The business's view of an invoice (admin, office manager)."""

    id: UUID
    number: str
    client_id: UUID
    status: InvoiceStatus
    """R-INV-3, as of the company's local today: draft, sent, partially_paid, paid, past_due, void."""
    due_date: date | None
    """R-INV-3: from the company's rule and the visits' dates; null while it has no visit."""
    sent: bool
    """Emailed to the client at least once ("Email To Client", R-EMAIL-5)."""
    created_at: datetime | None
    revision: int
    tax_rate_percent: str
    discount: DiscountView | None
    """The invoice's own discount."""
    lines: list[LineView]
    totals: TotalsView

    @classmethod
    def of(cls, dated: DatedInvoice) -> InvoiceView:
        i = dated.invoice
        return cls(id=i.id, number=i.number, client_id=i.client_id, status=dated.status, due_date=i.due_date,
                   sent=i.sent, created_at=i.created_at, revision=i.revision,
                   tax_rate_percent=percent_text(i.tax_rate_percent) or "0", discount=DiscountView.of(i.discount),
                   lines=[LineView.of(line) for line in i.lines], totals=TotalsView.of(i.totals()))


class InvoiceSummaryView(BaseModel):
    """An invoice in a list (cents)."""

    id: UUID
    number: str
    client_id: UUID
    status: InvoiceStatus
    due_date: date | None
    created_at: datetime | None
    total_cents: int
    paid_cents: int
    balance_cents: int
    """Still owed, never below 0 (see TotalsView)."""
    credit_cents: int
    """Refund due to the client, else 0 (see TotalsView)."""

    @classmethod
    def of(cls, invoice: Invoice, today: date) -> InvoiceSummaryView:
        totals = invoice.totals()
        return cls(id=invoice.id, number=invoice.number, client_id=invoice.client_id,
                   status=invoice.status_on(today), due_date=invoice.due_date, created_at=invoice.created_at,
                   total_cents=totals.total_cents, paid_cents=totals.paid_cents, balance_cents=totals.owed_cents,
                   credit_cents=totals.credit_cents)


class InvoicePage(BaseModel):
    items: list[InvoiceSummaryView]
    total: int
    """How many invoices match the filters."""
    limit: int
    offset: int

    @classmethod
    def of(cls, found: InvoiceList, *, limit: int, offset: int) -> InvoicePage:
        return cls(items=[InvoiceSummaryView.of(i, found.today) for i in found.items], total=found.total,
                   limit=limit, offset=offset)


# ---- a client's answers ------------------------------------------------------------------------

class ClientLineView(BaseModel):
    id: UUID
    description: str
    unit_cents: int
    quantity: int
    amount_cents: int
    net_cents: int
    taxable: bool
    visit_date: date | None
    cancelled: bool

    @classmethod
    def of(cls, line: Line) -> ClientLineView:
        return cls(id=line.line_id, description=line.description, unit_cents=line.unit_cents,
                   quantity=line.quantity, amount_cents=line.amount_cents, net_cents=line.net_cents,
                   taxable=line.taxable, visit_date=line.visit_date, cancelled=line.cancelled)


class ClientInvoiceView(BaseModel):
    """A client's own invoice in the portal (never a draft)."""

    id: UUID
    number: str
    status: InvoiceStatus
    due_date: date | None
    tax_rate_percent: str
    lines: list[ClientLineView]
    totals: TotalsView

    @classmethod
    def of(cls, dated: DatedInvoice) -> ClientInvoiceView:
        i = dated.invoice
        return cls(id=i.id, number=i.number, status=dated.status, due_date=i.due_date,
                   tax_rate_percent=percent_text(i.tax_rate_percent) or "0",
                   lines=[ClientLineView.of(line) for line in i.lines], totals=TotalsView.of(i.totals()))


class ClientInvoiceSummaryView(BaseModel):
    id: UUID
    number: str
    status: InvoiceStatus
    due_date: date | None
    total_cents: int
    paid_cents: int
    balance_cents: int
    credit_cents: int

    @classmethod
    def of(cls, invoice: Invoice, today: date) -> ClientInvoiceSummaryView:
        totals = invoice.totals()
        return cls(id=invoice.id, number=invoice.number, status=invoice.status_on(today), due_date=invoice.due_date,
                   total_cents=totals.total_cents, paid_cents=totals.paid_cents, balance_cents=totals.owed_cents,
                   credit_cents=totals.credit_cents)


class ClientInvoicePage(BaseModel):
    items: list[ClientInvoiceSummaryView]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, found: InvoiceList, *, limit: int, offset: int) -> ClientInvoicePage:
        return cls(items=[ClientInvoiceSummaryView.of(i, found.today) for i in found.items], total=found.total,
                   limit=limit, offset=offset)
