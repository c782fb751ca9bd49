"""Invoices (R-INV-2, R-INV-3, R-PAY-1..3): lines, discounts, sales tax, tips, totals, statuses,
payments and refunds. Pure: no I/O; amounts are integer cents, rates are Decimal percentages, and
each line's discount and tax are rounded half-up to the cent (see `billing.domain.money`).

Order of the sums: line amount → line discount → the invoice's own dollar discount spread over the
lines in proportion (exact, `allocate`) → tax on each taxable line's net → total = net + tax + tips.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID, uuid4

from petcare_kit.errors import Conflict, InvalidInput, NotFound

from billing.domain.due_dates import DueDateRule, due_date
from billing.domain.money import allocate, check_percent, percent_of

NO_ID = UUID(int=0)
"""Placeholder company/client of an invoice built bare (the sums' unit tests); stored ones always
carry theirs."""


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PAST_DUE = "past_due"
    VOID = "void"


class InvoiceNotFound(NotFound):
    """No such invoice for this company (also: another company's or, for a client, another client's)."""

    code = "invoice_not_found"


class InvoiceNotPayable(Conflict):
    """The invoice cannot take a payment: void, paid, or (for a client) not sent to them yet."""

    code = "invoice_not_payable"


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


class InvalidDiscount(InvalidInput):
    """An impossible discount: a dollar amount above what it would take off, a % above 100."""

    code = "invalid_discount"


class TotalBelowPaid(Conflict):
    """A person's change would make the invoice owe less than was already paid on it (or owe the
    client more than it already does): refund first. R-INV-2, the money invariant."""

    code = "invoice_total_below_paid"


class InvoiceEmpty(Conflict):
    """Nothing to bill: an invoice without lines is never emailed (R-INV-4)."""

    code = "invoice_empty"


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
    `visit_id` (with `service_id` and the visit's local `visit_date`) is set for a visit's line;
    `cancellation_fee_percent` is set once the visit is cancelled (the line then charges that % of
    its amount: the cancellation-fee marker); `package_cover_percent` is the share a package pays
    (R-PKG-1: 100 for a set-price package, its discount % otherwise); `client_package_id` marks the
    line of a package sold to the client. `line_id` is the line's stable identity."""

    description: str
    unit_cents: int
    quantity: int = 1
    taxable: bool = False
    visit_id: UUID | None = None
    discount: Discount | None = None
    cancellation_fee_percent: Decimal | None = None
    service_id: UUID | None = None
    visit_date: date | None = None
    package_cover_percent: Decimal | None = None
    client_package_id: UUID | None = None
    line_id: UUID = field(default_factory=uuid4)
    facility_event_id: UUID | None = None
    """Set on a facility event's line (R-FAC-4): the event itself, or one of its add-ons (`add_on_id`)."""
    add_on_id: UUID | None = None

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
    def cancelled(self) -> bool:
        return self.cancellation_fee_percent is not None

    @property
    def cover_cents(self) -> int:
        """What a package pays of the amount (R-PKG-1), rounded half-up."""
        return percent_of(self.amount_cents, self.package_cover_percent) if self.package_cover_percent else 0

    @property
    def net_cents(self) -> int:
        """The amount less the package's cover, less the line's own discount on what is left."""
        left = self.amount_cents - self.cover_cents
        return left - (self.discount.of(left) if self.discount else 0)


def visit_line(*, visit_id: UUID, description: str, service_price_cents: int, taxable: bool,
               client_rate_cents: int | None = None, service_id: UUID | None = None,
               visit_date: date | None = None, package_cover_percent: Decimal | None = None) -> Line:
    """R-INV-2: a visit's line at the client's own rate for the service where one is set, else the
    service's price."""
    price = client_rate_cents if client_rate_cents is not None else service_price_cents
    return Line(description=description, unit_cents=price, taxable=taxable, visit_id=visit_id,
                service_id=service_id, visit_date=visit_date, package_cover_percent=package_cover_percent)


def invoice_number(sequence: int) -> str:
    """The company's `sequence`-th invoice number: 1 → "INV-0001" (more digits past 9999)."""
    return f"INV-{sequence:04d}"


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
    """total - paid; negative only when a fact from scheduling (a visit cancelled on a paid
    invoice) lowered the total below what was paid: then it is a refund due (`credit_cents`)."""

    @property
    def owed_cents(self) -> int:
        """What the client still owes: the balance, never below 0."""
        return max(self.balance_cents, 0)

    @property
    def credit_cents(self) -> int:
        """What the business owes the client back (refund due): paid beyond the total, else 0."""
        return max(-self.balance_cents, 0)


@dataclass
class Invoice:
    """A client's invoice. `tax_rate_percent` is the rate chosen by `tax_rate`; `discount` is the
    invoice's own discount on top of the lines' ones. Status follows `status_on` (R-INV-3).

    Identity: `id`, `company_id`, `client_id`, `number` ("INV-0001", per company), `created_at`,
    and `revision` (grows by one with each published change, `billing.invoice.updated` v2).
    `published_visit_ids`: the visit set last published in `billing.invoice.visits_changed`.
    `applied_ids`: payments and refunds already applied (each is applied once).
    `due_date_by_hand`: the due date was set by a person and no longer follows the rule."""

    id: UUID = field(default_factory=uuid4)
    company_id: UUID = NO_ID
    client_id: UUID = NO_ID
    number: str = ""
    created_at: datetime | None = None
    revision: int = 0
    published_visit_ids: tuple[UUID, ...] = ()
    applied_ids: tuple[UUID, ...] = ()
    due_date_by_hand: bool = False
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

    def visit_ids(self) -> list[UUID]:
        """The visits with a line here, in line order."""
        return [line.visit_id for line in self.lines if line.visit_id is not None]

    def facility_event_ids(self) -> list[UUID]:
        """The facility events with a line here (their own or an add-on's), each once, in line order."""
        return list(dict.fromkeys(line.facility_event_id for line in self.lines if line.facility_event_id))

    def check_discount(self, discount: Discount) -> None:
        """Raises InvalidDiscount when a dollar discount is above what it applies to (the lines'
        nets: their amounts less packages' cover and their own discounts), so what is stored is what
        is taken off. A % is checked 0..100 by `Discount` itself."""
        base = sum(line.net_cents for line in self.lines)
        if discount.amount_cents is not None and discount.amount_cents > base:
            raise InvalidDiscount("The discount is more than the invoice's lines come to.",
                                  details={"amount_cents": discount.amount_cents, "max_cents": base})

    def line_for_visit(self, visit_id: UUID) -> Line | None:
        return next((line for line in self.lines if line.visit_id == visit_id), None)

    @property
    def is_open(self) -> bool:
        """Can take new lines from scheduling (R-INV-1): not void and not paid."""
        return not self.voided and not self._paid_in_full()

    def _paid_in_full(self) -> bool:
        totals = self.totals()
        return totals.paid_cents > 0 and totals.balance_cents <= 0

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

    def replace_line(self, line: Line) -> None:
        """Put `line` in place of the line with the same `line_id`."""
        self._check_open()
        self.lines = [line if old.line_id == line.line_id else old for old in self.lines]

    def remove_visit(self, visit_id: UUID) -> bool:
        """Take the visit's line off (a deleted visit); False when it had none here."""
        kept = [line for line in self.lines if line.visit_id != visit_id]
        removed = len(kept) != len(self.lines)
        self.lines = kept
        return removed

    def follow_due_date_rule(self, rule: DueDateRule) -> None:
        """R-INV-3: the due date from the visits' local dates (cancelled ones too: their fee is
        owed for that date), unless a person set it by hand."""
        if not self.due_date_by_hand:
            self.due_date = due_date(rule, [line.visit_date for line in self.lines if line.visit_date])

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
