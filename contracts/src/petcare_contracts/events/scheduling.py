"""Events of the scheduling service (`scheduling.events`), defined ahead of the service so that
notifications consumes what scheduling will publish.

Which of them notify a client (R-EMAIL-1, R-EMAIL-2, R-EMAIL-9, R-DELIV-8) and which never do
(R-NEVER-2: create, move, reassign, staff cancel, delete) is decided by notifications alone; the
names keep scheduler edits (`visit.scheduled`, `visit.moved`, ...) apart from requests and confirmations.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from petcare_contracts.registry import EventPayload, event

TOPIC = "scheduling.events"


class VisitSummary(BaseModel):
    """What an email or text says about one visit."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    visit_id: UUID
    service_name: str
    starts_at: datetime | None = None
    """Local start for a timed visit; None for a time block or an overnight."""
    visit_date: date
    time_block: str | None = None
    """"Morning", "Afternoon"... when the visit has a block instead of a time."""
    pet_names: list[str] = []
    staff_name: str | None = None


class RequestedChange(BaseModel):
    """R-REQ-3: what a change request asks for (only the fields the client changed)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    new_date: date | None = None
    new_start_time: time | None = None
    new_time_block: str | None = None
    new_service_name: str | None = None
    new_pet_names: list[str] | None = None
    notes: str | None = None


# ---- scheduler edits: never a reason to notify the client (R-NEVER-2) ------------------------

@event("scheduling.visit.scheduled", version=1, topic=TOPIC, key="visit_id")
class VisitScheduled(EventPayload):
    visit_id: UUID
    client_id: UUID
    visit: VisitSummary


@event("scheduling.visit.moved", version=1, topic=TOPIC, key="visit_id")
class VisitMoved(EventPayload):
    visit_id: UUID
    client_id: UUID
    visit: VisitSummary


@event("scheduling.visit.reassigned", version=1, topic=TOPIC, key="visit_id")
class VisitReassigned(EventPayload):
    visit_id: UUID
    client_id: UUID
    staff_id: UUID | None
    visit: VisitSummary


@event("scheduling.visit.cancelled_by_staff", version=1, topic=TOPIC, key="visit_id")
class VisitCancelledByStaff(EventPayload):
    visit_id: UUID
    client_id: UUID
    visit: VisitSummary


@event("scheduling.visit.deleted", version=1, topic=TOPIC, key="visit_id")
class VisitDeleted(EventPayload):
    visit_id: UUID
    client_id: UUID


# ---- visits in progress ---------------------------------------------------------------------

@event("scheduling.visit.started", version=1, topic=TOPIC, key="visit_id")
class VisitStarted(EventPayload):
    """R-DELIV-8 "Event Started": a text to the client if the company switch and the mobile-app
    setting are both on."""

    visit_id: UUID
    client_id: UUID
    staff_id: UUID | None
    visit: VisitSummary


@event("scheduling.visit.completed", version=1, topic=TOPIC, key="visit_id")
class VisitCompleted(EventPayload):
    """R-EMAIL-1: a message left for the client on completion goes to their feed and is delivered
    per R-DELIV. Without a message, nothing is sent."""

    visit_id: UUID
    client_id: UUID
    staff_id: UUID | None
    visit: VisitSummary
    message_for_client: str | None = None
    image_urls: list[str] = []
    report_card_url: str | None = None


@event("scheduling.visit.staff_late", version=1, topic=TOPIC, key="visit_id")
class StaffLate(EventPayload):
    """R-DELIV-8 "Staff Is Late To Own Event" (to that staff) and "Staff Is Late To Event" (admins)."""

    visit_id: UUID
    client_id: UUID
    staff_id: UUID
    visit: VisitSummary
    minutes_late: int


# ---- client requests and the business's answers ----------------------------------------------

@event("scheduling.service_request.submitted", version=1, topic=TOPIC, key="request_id")
class ServiceRequestSubmitted(EventPayload):
    """R-DELIV-8 "Client Requests Services": a text to every admin and office manager."""

    request_id: UUID
    client_id: UUID
    visits: list[VisitSummary]


@event("scheduling.service_request.answered", version=1, topic=TOPIC, key="request_id")
class ServiceRequestAnswered(EventPayload):
    """R-EMAIL-2: the client's confirmation that the business approved or rejected their request."""

    request_id: UUID
    client_id: UUID
    decision: Literal["approved", "rejected"]
    visits: list[VisitSummary]
    message: str | None = None


@event("scheduling.change_request.submitted", version=1, topic=TOPIC, key="request_id")
class ChangeRequestSubmitted(EventPayload):
    """R-REQ-1..5 and R-DELIV-8 "Client Requests Change/Cancellation"."""

    request_id: UUID
    client_id: UUID
    kind: Literal["change", "cancellation"]
    visits: list[VisitSummary]
    change: RequestedChange | None = None
    reason: str | None = None


@event("scheduling.change_request.answered", version=1, topic=TOPIC, key="request_id")
class ChangeRequestAnswered(EventPayload):
    """R-EMAIL-2 / R-REQ-6: approved or denied by the business, or approved at once when
    cancellations auto-approve (R-REQ-2); the client is emailed the confirmation."""

    request_id: UUID
    client_id: UUID
    kind: Literal["change", "cancellation"]
    decision: Literal["approved", "denied"]
    auto_approved: bool = False
    visits: list[VisitSummary]
    message: str | None = None


@event("scheduling.confirmation.requested", version=1, topic=TOPIC, key="invoice_id")
class ConfirmationRequested(EventPayload):
    """R-EMAIL-9: "Send Confirmation" from the scheduler: one email listing every event on the invoice."""

    invoice_id: UUID
    client_id: UUID
    visits: list[VisitSummary]


# ---- v2: a service request's confirmation with a decision per visit --------------------------

class AnsweredVisit(VisitSummary):
    """A visit of a service request with the business's decision on it."""

    decision: Literal["approved", "rejected"]


@event("scheduling.service_request.answered", version=2, topic=TOPIC, key="request_id")
class ServiceRequestAnsweredV2(EventPayload):
    """R-SCHED-6 / R-EMAIL-2: the ONE confirmation of a service request, sent once every visit of it
    is decided, each visit with its own decision (v1 could say only one decision for all; a request
    with one visit approved and one rejected is confirmed in one email listing both). `decision`:
    approved (all), rejected (all) or partly_approved. Published instead of v1."""

    request_id: UUID
    client_id: UUID
    decision: Literal["approved", "rejected", "partly_approved"]
    visits: list[AnsweredVisit]
    message: str | None = None


# ---- a scheduler's edit of a visit's pets, service or duration --------------------------------

@event("scheduling.visit.updated", version=1, topic=TOPIC, key="visit_id")
class VisitUpdated(EventPayload):
    """R-SCHED-3: a scheduler gave a scheduled visit other pets, another service or another
    duration (PATCH of the visit). Published only when one of those actually changed, for the
    services that keep a copy (billing turns visits into invoice lines with the service's price and
    taxable flag). The fields that changed carry their new value; one left None did not change.
    `visit` is the summary after the edit.

    Never a notice to the client (R-NEVER-2, like the other scheduler edits). The staff-only note is
    deliberately NOT part of it, and must never be added: it must never leave scheduling in a form
    a client could reach (events are read by notifications and billing, which talk to clients); a
    note-only edit publishes nothing."""

    visit_id: UUID
    client_id: UUID
    service_id: UUID | None = None
    """The new service, when it changed (with `service_name`)."""
    service_name: str | None = None
    pet_ids: list[UUID] | None = None
    """The new pets in order, when they changed."""
    duration_minutes: int | None = None
    """The new length in minutes, when it changed."""
    visit: VisitSummary


@event("scheduling.visit.scheduled", version=2, topic=TOPIC, key="visit_id")
class VisitScheduledV2(EventPayload):
    """v1 plus what billing needs to put the visit on an invoice (R-INV-1, R-INV-2): the service, its
    price in integer cents at scheduling time (billing applies a per-client rate where it has one),
    whether it is taxable, and the invoice the scheduler chose. `invoice_id`: the client's open
    invoice the scheduler picked, or a new id scheduling chose for a new invoice (billing creates it
    on first sight; a template's period and a request's approved visits share one); None: "do not
    invoice". Published for every way a visit is scheduled (by hand, an approved request, an
    approved template period). Notifies nobody (R-NEVER-2)."""

    visit_id: UUID
    client_id: UUID
    visit: VisitSummary
    service_id: UUID
    price_cents: int
    taxable: bool
    invoice_id: UUID | None = None
