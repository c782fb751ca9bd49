"""A facility event cancelled after the Client Hub invoiced or redeemed it (R-PKG-1, R-INV-2, R-FAC-6):
the use case behind billing's consumer of `facility.event.changed` v1 (whole state, `status`,
`revision`). Works in the consumer's unit of work and never commits (the batch does). Nothing here
emails (R-NEVER-1).

When the event's status is `cancelled`:
- its package redemptions (kind `facility_event`) go back to their packages (`billing.package.changed`)
  and its own invoice line is no longer covered, as a cancelled visit's;
- its invoice lines (its own and its add-ons') keep the company's default cancellation fee, as a
  cancelled visit's line does. A fact from another service is never refused: on a paid invoice the
  client may be left in credit (`credit_cents`, a refund due).
Any other status changes nothing here (R-INV-1: facility events are invoiced only by hand).

Once only: `cancelled` is facility's last status (scheduled → cancelled, nothing after), so billing
remembers that it applied an event's cancellation (a marker among `facility_command_answers`, keyed
by a uuid5 of the event id) and a replayed or later revision of it (e.g. a note edited after the
cancel) changes nothing twice; an older revision with another status changes nothing anyway. So a
fee overridden by hand or a redemption made again after the cancel is not undone."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid5

from billing.domain.invoices import cancelled
from billing.domain.packages import RedeemedKind
from billing.service_layer import invoice_effects
from billing.service_layer.context import Context
from billing.service_layer.invoice_effects import INVOICE_IDS, save_and_publish
from billing.service_layer.packages import package_changed

EVENT_TYPE = "facility.event.changed"


@dataclass(frozen=True)
class FacilityEventState:
    """What billing reads of `facility.event.changed` v1: the event, its status and its revision."""

    facility_event_id: UUID
    status: str
    revision: int


def cancellation_marker(facility_event_id: UUID) -> UUID:
    """The id under which the event's applied cancellation is remembered (uuid5: the same on replay)."""
    return uuid5(INVOICE_IDS, f"{EVENT_TYPE}:cancelled:{facility_event_id}")


async def give_back_facility_event(ctx: Context, facility_event_id: UUID) -> int:
    """R-PKG-1, R-FAC-6: the facility event's redemptions go back to their packages (the twin of
    `packages.give_back_visit` for kind `facility_event`); publishes `billing.package.changed` for
    each package changed and uncovers the event's own invoice line. Idempotent: an event not (or no
    longer) redeemed changes nothing. Never commits. Returns how many redemptions were given back."""
    given_back = 0
    for held in await ctx.uow.packages.redeeming(ctx.company_id, facility_event_id, RedeemedKind.FACILITY_EVENT,
                                                 for_update=True):
        if held.give_back(facility_event_id, RedeemedKind.FACILITY_EVENT):
            await ctx.uow.packages.save_held(held)
            await ctx.publish(package_changed(held), company_id=held.company_id)
            given_back += 1
    if given_back:
        await invoice_effects.set_facility_event_package_cover(ctx, facility_event_id, None)
    return given_back


async def cancel_facility_event_lines(ctx: Context, facility_event_id: UUID) -> bool:
    """R-INV-2: the event's lines (its own and its add-ons') keep the company's default cancellation
    fee. A fact, never refused (a paid invoice may be left in credit). True when a line changed;
    no invoice, a void one, or lines already cancelled: nothing (False)."""
    invoice = await ctx.uow.invoices.for_facility_event(ctx.company_id, facility_event_id)
    if invoice is None or invoice.voided:
        return False
    lines = [line for line in invoice.lines if line.facility_event_id == facility_event_id and not line.cancelled]
    if not lines:
        return False
    fee = (await ctx.uow.invoices.settings(ctx.company_id)).cancellation_fee_percent
    for line in lines:
        invoice.replace_line(cancelled(line, company_fee_percent=fee))
    await save_and_publish(ctx, invoice, fact=True)
    return True


async def facility_event_changed(ctx: Context, event: FacilityEventState) -> bool:
    """R-PKG-1, R-INV-2, R-FAC-6: apply a facility event's new state. Only `cancelled` changes
    anything, once per event (see the module). Returns whether this call applied the cancellation."""
    if event.status != "cancelled":
        return False
    marker = cancellation_marker(event.facility_event_id)
    if await ctx.uow.facility_commands.answered(marker):
        return False
    await give_back_facility_event(ctx, event.facility_event_id)
    await cancel_facility_event_lines(ctx, event.facility_event_id)
    await ctx.uow.facility_commands.record(ctx.company_id, marker, EVENT_TYPE, "cancelled", None)
    return True
