"""What billing does with `facility.events`: a facility event cancelled after the Client Hub invoiced
or redeemed it gives its package redemptions back (R-PKG-1, R-FAC-6) and its invoice lines keep the
cancellation fee (R-INV-2), once per event (service_layer/facility_events.py). Other changes of a
facility event change nothing in billing (R-INV-1: facility events are invoiced only by hand, through
`billing.commands`). Handlers never commit: the consumer's batch does. Nothing here emails."""

from __future__ import annotations

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events.facility import FacilityEventChanged
from petcare_kit.consumer import EventRouter
from petcare_kit.identity import Identity, Role
from petcare_kit.unit_of_work import UnitOfWork

from billing.adapters.unit_of_work import SqlUnitOfWork
from billing.service_layer.context import Context
from billing.service_layer.facility_events import FacilityEventState, facility_event_changed

EVENTS: tuple[type[EventPayload], ...] = (FacilityEventChanged,)
"""The facility event types billing handles (declared in bootstrap's HANDLES)."""


async def on_facility_event_changed(uow: UnitOfWork, envelope: Envelope, event: FacilityEventChanged) -> None:
    """R-PKG-1, R-INV-2, R-FAC-6: a cancelled facility event's redemptions go back, its lines keep the fee."""
    assert envelope.company_id is not None, "facility's events always name their company"
    ctx = Context(SqlUnitOfWork(uow), Identity(Role.INTERNAL, company_id=envelope.company_id))
    await facility_event_changed(ctx, FacilityEventState(facility_event_id=event.facility_event_id,
                                                         status=event.status, revision=event.revision))


def register(router: EventRouter) -> None:
    """Add a handler for each of EVENTS."""
    router.add(FacilityEventChanged, on_facility_event_changed)
