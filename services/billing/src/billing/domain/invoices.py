"""Invoices (R-INV-2, R-INV-3, R-PAY-1..3): lines, discounts, sales tax, tips, totals, statuses,
payments and refunds. Pure: no I/O; amounts are integer cents, rates are Decimal percentages, and
each line's discount and tax are rounded half-up to the cent (see `billing.domain.money`).

Order of the sums: line amount → line discount → the invoice's own dollar discount spread over the
lines in proportion (exact, `allocate`) → tax on each taxable line's net → total = net + tax + tips.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from petcare_kit.errors import Conflict, InvalidInput

from billing.domain.money import allocate, check_percent, percent_of


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PAST_DUE = "past_due"
    VOID = "void"


class InvoiceIsVoid(Conflict):
    code = "invoice_void"


class InvoiceHasPayments(Conflict):
    code = "invoice_has_payments"


class Overpayment(InvalidInput):
    code = "payment_exceeds_balance"


class RefundExceedsPaid(InvalidInput):
    code = "refund_exceeds_paid"


class InvalidLine(InvalidInput):
    code = "invalid_invoice_line"


@dataclass(frozen=True)
class Discount:
    """A discount of `amount_cents` dollars-and-cents or of `percent` %, exactly one of them."""

    amount_cents: int | None = None
    percent: Decimal | None = None

    def __post_init__(self) -> None:
        if (self.amount_cents is None) == (self.percent is None):
            raise InvalidLine("A discount is either an amount or a percentage.")
        if self.amount_cents is not None and self.amount_cents < 0:
            raise InvalidLine("A discount amount must not be negative.")
        if self.percent is not None:
            check_percent(self.percent, field="discount_percent")

    def of(self, cents: int) -> int:
        """The discount on `cents`, never more than `cents` (rounded half-up for a percentage)."""
        off = self.amount_cents if self.amount_cents is not None else percent_of(cents, self.percent or Decimal(0))
        return min(off, cents)


@dataclass(frozen=True)
class Line:
    """One invoice line: `quantity` × `unit_cents`, `taxable` per its service (R-SCHED-1).
    `visit_id` is set for a visit's line; `cancellation_fee_percent` is set once the visit is
    cancelled (the line then charges that % of its amount)."""

    description: str
    unit_cents: int
    quantity: int = 1
    taxable: bool = False
    visit_id: UUID | None = None
    discount: Discount | None = None
    cancellation_fee_percent: Decimal | None = None

    def __post_init__(self) -> None:
        if self.unit_cents < 0 or self.quantity < 1:
            raise InvalidLine("A line has a price of zero or more and a quantity of at least one.")

    @property
    def amount_cents(self) -> int:
        """What the line charges before discounts: the full price, or the cancellation fee."""
        full = self.unit_cents * self.quantity
        if self.cancellation_fee_percent is None:
            return full
        return percent_of(full, self.cancellation_fee_percent)

    @property
    def net_cents(self) -> int:
        """The amount less the line's own discount."""
        return self.amount_cents - (self.discount.of(self.amount_cents) if self.discount else 0)


def visit_line(*, visit_id: UUID, description: str, service_price_cents: int, taxable: bool,
               client_rate_cents: int | None = None) -> Line:
    """R-INV-2: a visit's line at the client's own rate for the service where one is set, else the
    service's price."""
    price = client_rate_cents if client_rate_cents is not None else service_price_cents
    return Line(description=description, unit_cents=price, taxable=taxable, visit_id=visit_id)


def cancelled(line: Line, *, company_fee_percent: Decimal, override_percent: Decimal | None = None) -> Line:
    """R-INV-2: a cancelled visit's line keeps a cancellation fee, the company's default % unless
    overridden for this visit (0 % waives it). Raises `InvalidAmount` for a % outside 0..100."""
    percent = override_percent if override_percent is not None else company_fee_percent
    return replace(line, cancellation_fee_percent=check_percent(percent, field="cancellation_fee_percent"))


def tax_rate(company_rate_percent: Decimal, client_rate_percent: Decimal | None) -> Decimal:
    """R-INV-2: the client's own sales-tax rate when they have one (e.g. tax-exempt: 0), else the
    company's."""
    rate = client_rate_percent if client_rate_percent is not None else company_rate_percent
    return check_percent(rate, field="tax_rate_percent")


@dataclass(frozen=True)
class Totals:
    """Cents: subtotal (lines' amounts), discount, tax, tips, total, paid (net of refunds), balance."""

    subtotal_cents: int
    discount_cents: int
    tax_cents: int
    tips_cents: int
    total_cents: int
    paid_cents: int
    balance_cents: int


@dataclass
class Invoice:
    """A client's invoice. `tax_rate_percent` is the rate chosen by `tax_rate`; `discount` is the
    invoice's own discount on top of the lines' ones. Status follows `status_on` (R-INV-3)."""

    tax_rate_percent: Decimal = Decimal(0)
    lines: list[Line] = field(default_factory=list)
    discount: Discount | None = None
    tips_cents: int = 0
    paid_cents: int = 0
    refunded_cents: int = 0
    sent: bool = False
    voided: bool = False
    due_date: date | None = None

    # ---- sums ----
    def line_nets(self) -> list[int]:
        """Each line's net after its own discount and its share of the invoice discount."""
        nets = [line.net_cents for line in self.lines]
        if not self.discount or not nets:
            return nets
        off = self.discount.of(sum(nets))
        shares = allocate(off, nets)
        return [net - share for net, share in zip(nets, shares, strict=True)]

    def totals(self) -> Totals:
        nets = self.line_nets()
        tax = sum(percent_of(net, self.tax_rate_percent)
                  for line, net in zip(self.lines, nets, strict=True) if line.taxable)
        subtotal = sum(line.amount_cents for line in self.lines)
        total = sum(nets) + tax + self.tips_cents
        paid = self.paid_cents - self.refunded_cents
        return Totals(subtotal, subtotal - sum(nets), tax, self.tips_cents, total, paid, total - paid)

    # ---- status (R-INV-3) ----
    def status_on(self, today: date) -> InvoiceStatus:
        """void once voided; paid when the payments (net of refunds) cover a total owed; partially
        paid when some is paid; past due when sent, unpaid in part or whole, after its due date;
        sent once emailed (R-INV-4); else draft."""
        if self.voided:
            return InvoiceStatus.VOID
        totals = self.totals()
        if totals.paid_cents > 0 and totals.balance_cents <= 0:
            return InvoiceStatus.PAID
        if self.sent and self.due_date is not None and today > self.due_date:
            return InvoiceStatus.PAST_DUE
        if totals.paid_cents > 0:
            return InvoiceStatus.PARTIALLY_PAID
        return InvoiceStatus.SENT if self.sent else InvoiceStatus.DRAFT

    # ---- changes ----
    def _check_open(self) -> None:
        if self.voided:
            raise InvoiceIsVoid("This invoice is void: nothing can be changed on it.")

    def add_line(self, line: Line) -> None:
        self._check_open()
        self.lines.append(line)

    def mark_sent(self) -> None:
        """R-INV-4: "Email To Client" marks it sent (again, if already sent)."""
        self._check_open()
        self.sent = True

    def void(self) -> None:
        """Void an invoice that holds no money (refund what was paid first)."""
        self._check_open()
        if self.totals().paid_cents:
            raise InvoiceHasPayments("Refund the payments on this invoice before voiding it.")
        self.voided = True

    def apply_payment(self, amount_cents: int, *, tip_cents: int = 0) -> None:
        """R-PAY-1/2: `amount_cents` paid, of which `tip_cents` is a tip added to the invoice.
        Raises `Overpayment` when it exceeds the balance (tip included), `InvoiceIsVoid` if void."""
        self._check_open()
        if amount_cents <= 0 or not 0 <= tip_cents <= amount_cents:
            raise Overpayment("A payment is more than zero and includes its tip.")
        if amount_cents > self.totals().balance_cents + tip_cents:
            raise Overpayment("The payment is more than the balance of this invoice.",
                              details={"balance_cents": self.totals().balance_cents})
        self.tips_cents += tip_cents
        self.paid_cents += amount_cents

    def apply_refund(self, amount_cents: int) -> None:
        """R-PAY-3: a full or partial refund reduces what was paid; never more than was paid."""
        if amount_cents <= 0 or amount_cents > self.totals().paid_cents:
            raise RefundExceedsPaid("A refund is more than zero and at most what was paid.",
                                    details={"paid_cents": self.totals().paid_cents})
        self.refunded_cents += amount_cents
