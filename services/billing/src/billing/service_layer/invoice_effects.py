"""What the other billing areas may do to invoices: the one door to them for payments (R-PAY-1..3)
and packages (R-PKG-1). Each function works inside the caller's unit of work and never commits (the
caller's use case does, once); each changed invoice publishes `billing.invoice.updated` v2.

Also the helpers every invoice change goes through (the API's use cases, the scheduling consumer):
`new_invoice` (number, tax rate) and `save_and_publish` (revision + 1, `billing.invoice.updated` v2,
and `billing.invoice.visits_changed` v1 when the visit set changed). Nothing here emails (R-NEVER-1).

Owned by the invoices area."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from petcare_contracts.events.billing import InvoiceUpdatedV2, InvoiceVisitsChanged

from billing.domain.facility_lines import (
    ClientUnknown,
    FacilityChargeLine,
    NoCharges,
    check_can_leave,
    check_can_take,
    facility_line,
    without_events,
)
from billing.domain.invoices import Invoice, InvoiceNotFound, InvoiceNotPayable, Line, TotalBelowPaid, tax_rate
from billing.domain.money import check_percent
from billing.service_layer.context import Context

INVOICE_IDS = UUID("6b1f3f0e-2f55-4b43-9d39-0b6f1c0c8a51")
"""Namespace of the ids billing derives (uuid5), so that a replayed event derives the same id."""


async def company_today(ctx: Context, company_id: UUID) -> date:
    """The company's local date (its zone from the clients directory); UTC's while not known yet."""
    zone = await ctx.uow.invoices.time_zone(company_id)
    now = ctx.now()
    return now.astimezone(ZoneInfo(zone)).date() if zone else now.date()


async def new_invoice(ctx: Context, company_id: UUID, client_id: UUID, invoice_id: UUID) -> Invoice:
    """A new empty draft of the client with the company's next number and the tax rate chosen for
    the client (R-INV-2: the client's own rate, else the company's). Not stored: give it to
    `save_and_publish(ctx, invoice, new=True)` once it has its lines."""
    settings = await ctx.uow.invoices.settings(company_id)
    client = await ctx.uow.invoices.client_billing(company_id, client_id)
    return Invoice(id=invoice_id, company_id=company_id, client_id=client_id,
                   number=await ctx.uow.invoices.next_number(company_id), created_at=ctx.now(),
                   tax_rate_percent=tax_rate(settings.tax_rate_percent, client.tax_rate_percent))


async def check_not_below_paid(ctx: Context, invoice: Invoice) -> None:
    """The money invariant (R-INV-2), the one check every change made by a person goes through: a
    change may not leave the invoice owing less than was paid on it (total < paid). Precisely: the
    changed (unsaved) `invoice` may not have a negative balance lower than the stored one's, so a
    refund or a change that makes an invoice in credit owe again is never refused. Raises
    TotalBelowPaid (409) before anything is stored."""
    after = invoice.totals()
    if after.balance_cents >= 0:
        return
    try:
        before = (await ctx.uow.invoices.get(invoice.company_id, invoice.id)).totals().balance_cents
    except InvoiceNotFound:
        before = 0
    if after.balance_cents < before:
        raise TotalBelowPaid("This change would leave the invoice owing less than was already paid on it: "
                             "refund the difference first.",
                             details={"invoice_id": str(invoice.id), "total_cents": after.total_cents,
                                      "paid_cents": after.paid_cents})


async def save_and_publish(ctx: Context, invoice: Invoice, *, new: bool = False, fact: bool = False) -> None:
    """Store a new (`new=True`) or changed invoice, its revision one higher, and publish its whole
    state: `billing.invoice.updated` v2 (status as of the company's local date), then
    `billing.invoice.visits_changed` v1 when its set of visits differs from the last one published
    (scheduling's read model, R-SCHED-10). The one way an invoice change is stored. Never commits.
    Every change passes `check_not_below_paid` (TotalBelowPaid) except a `fact` from scheduling (a
    visit cancelled or deleted happened and cannot be refused: a paid invoice may then be in credit,
    shown as `credit_cents`, a refund due; the event's `balance_cents` is what is owed, never
    below 0, as in the API)."""
    if not fact:
        await check_not_below_paid(ctx, invoice)
    invoice.revision += 1
    # A void invoice bills no visit: scheduling's read model must drop them (the contract's []).
    visits = () if invoice.voided else tuple(invoice.visit_ids())
    visits_changed = visits != invoice.published_visit_ids
    invoice.published_visit_ids = visits
    if new:
        await ctx.uow.invoices.add(invoice)
    else:
        await ctx.uow.invoices.save(invoice)
    totals = invoice.totals()
    today = await company_today(ctx, invoice.company_id)
    await ctx.publish(InvoiceUpdatedV2(
        invoice_id=invoice.id, client_id=invoice.client_id, number=invoice.number,
        status=invoice.status_on(today).value, total_cents=totals.total_cents, paid_cents=totals.paid_cents,
        balance_cents=totals.owed_cents, due_date=invoice.due_date, revision=invoice.revision,
        visit_ids=list(visits), facility_event_ids=[] if invoice.voided else invoice.facility_event_ids()),
        company_id=invoice.company_id)
    if visits_changed:
        await ctx.publish(InvoiceVisitsChanged(invoice_id=invoice.id, client_id=invoice.client_id,
                                               visit_ids=list(visits), revision=invoice.revision,
                                               number=invoice.number), company_id=invoice.company_id)


async def _client_invoice(ctx: Context, client_id: UUID, invoice_id: UUID) -> Invoice:
    invoice = await ctx.uow.invoices.get_for_update(ctx.company_id, invoice_id)
    if invoice.client_id != client_id:  # another client's: the same answer as an unknown id
        raise InvoiceNotFound("No such invoice.", details={"invoice_id": str(invoice_id)})
    return invoice


async def payable_balances(ctx: Context, client_id: UUID, invoice_ids: Sequence[UUID], *,
                           by_client: bool) -> dict[UUID, int]:
    """The balance in cents of each named invoice of the client, in the order given, rows locked for
    the caller's transaction. Raises InvoiceNotFound (unknown, or another client's or company's: the
    same answer) and InvoiceNotPayable (void or paid; a draft too when `by_client`: a client pays
    only invoices they were sent)."""
    balances: dict[UUID, int] = {}
    for invoice_id in invoice_ids:
        invoice = await _client_invoice(ctx, client_id, invoice_id)
        balance = invoice.totals().balance_cents
        if invoice.voided or balance <= 0 or (by_client and not invoice.sent):
            raise InvoiceNotPayable("This invoice cannot be paid.",
                                    details={"invoice_id": str(invoice_id), "balance_cents": max(balance, 0)})
        balances[invoice_id] = balance
    return balances


async def record_payment(ctx: Context, payment_id: UUID, client_id: UUID, allocations: Mapping[UUID, int], *,
                         tip_cents: int = 0) -> None:
    """R-PAY-1/2: `allocations` (invoice id → cents, each > 0) were paid by `payment_id`; the tip in
    cents goes on the first invoice of `allocations` (it is included in that invoice's allocation).
    Status becomes partially paid or paid (R-INV-3). A payment already applied to an invoice is not
    applied again. Raises Overpayment, InvoiceIsVoid, InvoiceNotFound."""
    for index, (invoice_id, cents) in enumerate(allocations.items()):
        invoice = await _client_invoice(ctx, client_id, invoice_id)
        if payment_id in invoice.applied_ids:
            continue
        invoice.apply_payment(cents, tip_cents=tip_cents if index == 0 else 0)
        invoice.applied_ids += (payment_id,)
        await save_and_publish(ctx, invoice)


async def record_refund(ctx: Context, refund_id: UUID, client_id: UUID, allocations: Mapping[UUID, int]) -> None:
    """R-PAY-3: what was paid on each invoice goes down by its allocation (cents); a refund already
    applied is not applied again. Raises RefundExceedsPaid, InvoiceNotFound."""
    for invoice_id, cents in allocations.items():
        invoice = await _client_invoice(ctx, client_id, invoice_id)
        if refund_id in invoice.applied_ids:
            continue
        invoice.apply_refund(cents)
        invoice.applied_ids += (refund_id,)
        await save_and_publish(ctx, invoice)


async def add_package_line(ctx: Context, client_id: UUID, client_package_id: UUID, description: str,
                           price_cents: int) -> UUID:
    """R-PKG-1: a package with a set price added to a client puts one untaxed line for it on a new
    invoice of that client (never emailed, R-NEVER-1). Returns the invoice id (the same one when
    called again for the same client package: the invoice is made once)."""
    invoice_id = uuid5(INVOICE_IDS, f"package:{client_package_id}")
    if await ctx.uow.invoices.id_in_use(invoice_id):
        return invoice_id
    invoice = await new_invoice(ctx, ctx.company_id, client_id, invoice_id)
    invoice.add_line(Line(description, price_cents, taxable=False, client_package_id=client_package_id))
    await save_and_publish(ctx, invoice, new=True)
    return invoice_id


async def set_visit_package_cover(ctx: Context, visit_id: UUID, covered_percent: Decimal | None) -> None:
    """R-PKG-1: a visit redeemed against a package: its invoice line is covered by `covered_percent`
    (100 for a set-price package, the package's discount % otherwise); None when the redemption was
    given back. Nothing happens to invoices when the visit is on none (yet): the line takes the
    cover when it comes, so the order of the two events does not matter. The cover applies to any
    invoice that is not void, paid ones too (given back on a paid invoice: it owes again, partially
    paid); one that would leave it owing less than was paid is refused as a whole (TotalBelowPaid:
    call `check_package_cover` first so nothing else changes either). Raises InvalidAmount for a %
    outside 0..100."""
    if covered_percent is not None:
        check_percent(covered_percent, field="covered_percent")
    covered = await _covered(ctx, visit_id, covered_percent, facility=False)
    await ctx.uow.invoices.set_visit_cover(ctx.company_id, visit_id, covered_percent)
    if covered is not None:
        await save_and_publish(ctx, covered)


async def check_package_cover(ctx: Context, item_id: UUID, covered_percent: Decimal | None, *,
                              facility: bool) -> None:
    """Raises TotalBelowPaid when covering the visit's (or facility event's, `facility=True`) line by
    `covered_percent` would leave its invoice owing less than was paid; changes nothing. Packages
    call it before a redemption changes anything, so a refusal leaves the package as it was."""
    covered = await _covered(ctx, item_id, covered_percent, facility=facility)
    if covered is not None:
        await check_not_below_paid(ctx, covered)


async def _covered(ctx: Context, item_id: UUID, covered_percent: Decimal | None, *,
                   facility: bool) -> Invoice | None:
    """The item's invoice (locked) with its line's cover changed, not saved; None when nothing
    changes (no invoice, void, no line, the same cover)."""
    repo = ctx.uow.invoices
    if facility:
        invoice = await repo.for_facility_event(ctx.company_id, item_id)
    else:
        invoice = await repo.for_visit(ctx.company_id, item_id)
    if invoice is None or invoice.voided:
        return None
    if facility:
        line = next((line for line in invoice.lines
                     if line.facility_event_id == item_id and line.add_on_id is None), None)
    else:
        line = invoice.line_for_visit(item_id)
    if line is None or line.package_cover_percent == covered_percent:
        return None
    invoice.replace_line(replace(line, package_cover_percent=covered_percent))
    return invoice


# ---- facility events (R-FAC-4, R-FAC-6), asked for by facility's Client Hub ----


async def put_facility_charges(ctx: Context, client_id: UUID, invoice_id: UUID | None, new_invoice_id: UUID,
                               charges: Sequence[FacilityChargeLine]) -> UUID:
    """R-FAC-4, R-INV-1: put facility events' charges (each event's own line and its add-ons') on the
    client's open invoice `invoice_id`, or on a new invoice `new_invoice_id` when None. An event
    already on another invoice moves (its old lines leave it); an event already on the target has
    its lines replaced. Everything is checked before anything changes. Returns the invoice id.
    Raises NoCharges, ClientUnknown, InvoiceNotFound, InvoiceOfAnotherClient, invoice_void,
    InvoicePaid, FacilityEventOnPaidInvoice. Never commits."""
    if not charges:
        raise NoCharges("Nothing to invoice: no charges were sent.")
    repo, company_id = ctx.uow.invoices, ctx.company_id
    if await repo.client(company_id, client_id) is None:
        raise ClientUnknown("No such client in your company.", details={"client_id": str(client_id)})
    if invoice_id is not None:
        target, new = await repo.get_for_update(company_id, invoice_id), False
        check_can_take(target, client_id)
    else:
        target, new = await new_invoice(ctx, company_id, client_id, new_invoice_id), True
    events = list(dict.fromkeys(charge.facility_event_id for charge in charges))
    sources: dict[UUID, Invoice] = {}
    for event_id in events:
        source = await repo.for_facility_event(company_id, event_id)
        if source is not None and source.id != target.id:
            check_can_leave(sources.setdefault(source.id, source), event_id)
    await _move_facility_lines(ctx, target, new, set(events), list(sources.values()), client_id, charges)
    return target.id


async def _move_facility_lines(ctx: Context, target: Invoice, new: bool, events: set[UUID], sources: list[Invoice],
                               client_id: UUID, charges: Sequence[FacilityChargeLine]) -> None:
    repo, company_id = ctx.uow.invoices, ctx.company_id
    rule = (await repo.settings(company_id)).due_date_rule
    changed = [source for source in sources if without_events(source, events)]
    for source in changed:
        source.follow_due_date_rule(rule)
    without_events(target, events)
    rates = (await repo.client_billing(company_id, client_id)).rates
    for charge in charges:
        cover = await repo.visit_cover(company_id, charge.facility_event_id)
        target.add_line(facility_line(charge, client_rate_cents=rates.get(charge.service_id),
                                      package_cover_percent=cover))
    target.follow_due_date_rule(rule)
    # Every invoice is checked before any is stored: a refusal changes nothing (the batch goes on).
    for invoice in (*changed, target):
        await check_not_below_paid(ctx, invoice)
    for source in changed:
        await save_and_publish(ctx, source)
    await save_and_publish(ctx, target, new=new)


async def set_facility_event_package_cover(ctx: Context, facility_event_id: UUID,
                                           covered_percent: Decimal | None) -> None:
    """R-PKG-1, R-FAC-6: a facility event redeemed against a package: its own invoice line (not its
    add-ons') is covered by `covered_percent`, None when given back. Kept beside visits' covers
    (ids do not collide), so an event invoiced later takes its cover then. Applies to any invoice
    that is not void, as `set_visit_package_cover` (TotalBelowPaid refuses it as a whole). Never commits."""
    if covered_percent is not None:
        check_percent(covered_percent, field="covered_percent")
    covered = await _covered(ctx, facility_event_id, covered_percent, facility=True)
    await ctx.uow.invoices.set_visit_cover(ctx.company_id, facility_event_id, covered_percent)
    if covered is not None:
        await save_and_publish(ctx, covered)
