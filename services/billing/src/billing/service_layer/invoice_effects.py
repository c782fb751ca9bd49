"""What the other billing areas may do to invoices: the one door to them for payments (R-PAY-1..3)
and packages (R-PKG-1). Each function works inside the caller's unit of work and never commits (the
caller's use case does, once); each changed invoice publishes `billing.invoice.updated` v2.

Owned by the invoices area. Until it lands these raise NotImplementedError."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from uuid import UUID

from billing.service_layer.context import Context


async def payable_balances(ctx: Context, client_id: UUID, invoice_ids: Sequence[UUID], *,
                           by_client: bool) -> dict[UUID, int]:
    """The balance in cents of each named invoice of the client, in the order given, rows locked for
    the caller's transaction. Raises InvoiceNotFound (unknown, or another client's or company's: the
    same answer) and InvoiceNotPayable (void or paid; a draft too when `by_client`: a client pays
    only invoices they were sent)."""
    raise NotImplementedError


async def record_payment(ctx: Context, payment_id: UUID, client_id: UUID, allocations: Mapping[UUID, int], *,
                         tip_cents: int = 0) -> None:
    """R-PAY-1/2: `allocations` (invoice id → cents, each > 0) were paid by `payment_id`; the tip in
    cents goes on the first invoice of `allocations` (it is included in that invoice's allocation).
    Status becomes partially paid or paid (R-INV-3). Raises Overpayment, InvoiceIsVoid."""
    raise NotImplementedError


async def record_refund(ctx: Context, refund_id: UUID, client_id: UUID, allocations: Mapping[UUID, int]) -> None:
    """R-PAY-3: what was paid on each invoice goes down by its allocation (cents). Raises RefundExceedsPaid."""
    raise NotImplementedError


async def add_package_line(ctx: Context, client_id: UUID, client_package_id: UUID, description: str,
                           price_cents: int) -> UUID:
    """R-PKG-1: a package with a set price added to a client puts one untaxed line for it on a new
    invoice of that client (never emailed, R-NEVER-1). Returns the invoice id."""
    raise NotImplementedError


async def set_visit_package_cover(ctx: Context, visit_id: UUID, covered_percent: Decimal | None) -> None:
    """R-PKG-1: a visit redeemed against a package: its invoice line is covered by `covered_percent`
    (100 for a set-price package, the package's discount % otherwise); None when the redemption was
    given back. Nothing happens when the visit is on no invoice (yet): the line takes the cover when
    it comes, so the order of the two events does not matter."""
    raise NotImplementedError
