"""What billing does with `scheduling.events`: visits become invoice lines (R-INV-1, R-INV-2), a
cancelled visit keeps a cancellation fee and gives its package redemption back (R-PKG-1), a deleted
visit leaves its invoice, a moved one moves the due date (R-INV-3). Handlers never commit: the
consumer's batch does. None of them emails (R-NEVER-1).

`scheduling.visit.scheduled` v1 is not handled: it carries no price nor the scheduler's choice of
invoice, so a v1 visit is not invoiced (scheduling publishes v2 for every way a visit is scheduled).
The dates in the events are the company's local dates already: no time zone is needed here."""

from __future__ import annotations

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events import scheduling
from petcare_kit.consumer import EventRouter
from petcare_kit.identity import Identity, Role
from petcare_kit.unit_of_work import UnitOfWork

from billing.adapters.unit_of_work import SqlUnitOfWork
from billing.service_layer.context import Context
from billing.service_layer.invoice_lines import (
    VisitToInvoice,
    cancel_visit,
    delete_visit,
    describe,
    describe_visit,
    invoice_visit,
    move_visit,
)

EVENTS: tuple[type[EventPayload], ...] = (
    scheduling.VisitScheduledV2, scheduling.VisitCancelledByStaff, scheduling.ChangeRequestAnswered,
    scheduling.VisitDeleted, scheduling.VisitMoved, scheduling.VisitUpdated,
)
"""The scheduling event types billing handles (declared in bootstrap's HANDLES)."""


def _context(uow: UnitOfWork, envelope: Envelope) -> Context:
    assert envelope.company_id is not None, "scheduling's visit events always name their company"
    return Context(SqlUnitOfWork(uow), Identity(Role.INTERNAL, company_id=envelope.company_id))


async def on_visit_scheduled(uow: UnitOfWork, envelope: Envelope, event: scheduling.VisitScheduledV2) -> None:
    """R-INV-1/2: a line on the chosen invoice (or a new one); `invoice_id=None`: not invoiced."""
    await invoice_visit(_context(uow, envelope), VisitToInvoice(
        visit_id=event.visit_id, client_id=event.client_id, service_id=event.service_id,
        description=describe(event.visit.service_name, event.visit.pet_names), price_cents=event.price_cents,
        taxable=event.taxable, visit_date=event.visit.visit_date, invoice_id=event.invoice_id))


async def on_visit_cancelled(uow: UnitOfWork, envelope: Envelope, event: scheduling.VisitCancelledByStaff) -> None:
    """R-INV-2: the line keeps the cancellation fee; R-PKG-1: the redemption goes back."""
    await cancel_visit(_context(uow, envelope), event.visit_id)


async def on_change_request_answered(uow: UnitOfWork, envelope: Envelope,
                                     event: scheduling.ChangeRequestAnswered) -> None:
    """An approved cancellation request cancels each of its visits as a staff cancel does. Other
    answers change no invoice here (an approved change publishes visit.moved/updated itself)."""
    if event.kind != "cancellation" or event.decision != "approved":
        return
    ctx = _context(uow, envelope)
    for visit in event.visits:
        await cancel_visit(ctx, visit.visit_id)


async def on_visit_deleted(uow: UnitOfWork, envelope: Envelope, event: scheduling.VisitDeleted) -> None:
    await delete_visit(_context(uow, envelope), event.visit_id)


async def on_visit_moved(uow: UnitOfWork, envelope: Envelope, event: scheduling.VisitMoved) -> None:
    """R-INV-3: the due date follows the visit's new date."""
    await move_visit(_context(uow, envelope), event.visit_id, event.visit.visit_date)


async def on_visit_updated(uow: UnitOfWork, envelope: Envelope, event: scheduling.VisitUpdated) -> None:
    await describe_visit(_context(uow, envelope), event.visit_id,
                         describe(event.visit.service_name, event.visit.pet_names))


def register(router: EventRouter) -> None:
    """Add a handler for each of EVENTS."""
    router.add(scheduling.VisitScheduledV2, on_visit_scheduled)
    router.add(scheduling.VisitCancelledByStaff, on_visit_cancelled)
    router.add(scheduling.ChangeRequestAnswered, on_change_request_answered)
    router.add(scheduling.VisitDeleted, on_visit_deleted)
    router.add(scheduling.VisitMoved, on_visit_moved)
    router.add(scheduling.VisitUpdated, on_visit_updated)
