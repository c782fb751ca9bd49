"""Client requests (R-SCHED-6, R-REQ-1..7): what a client may ask from the portal, and how the
business's answers progress. Pure: no I/O. Cut-off times are `domain/cutoffs.py` (R-SCHED-7).

- A **service request** (R-SCHED-6) asks for visits of one client-selectable service in one block, on
  some dates, for some pets, with comments. Each date is a requested visit, decided on its own
  (approved: a visit is put on the calendar; rejected: nothing); it never reaches the calendar by
  itself. Once every requested visit is decided the request is processed and the client is sent ONE
  confirmation listing every decision (`confirm`, at most once).
- A **change/cancellation request** (R-REQ-1..5) is made against specific visits of the client's,
  when the company's portal mode is "Client Makes Request Against Specific Visits". A change edits one
  visit (date, time or block, service, pets, notes) and is always reviewed (R-REQ-3); a cancellation
  covers one or more visits (bulk, R-REQ-5), has an optional reason, and is approved at once when the
  company's cancellations auto-approve (R-REQ-2). Approved or denied as a whole (R-REQ-6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Literal
from uuid import UUID, uuid4

from petcare_kit.errors import Conflict, Forbidden, InvalidInput, NotFound

from scheduling.domain.catalogue import Service
from scheduling.domain.errors import VisitNotFound
from scheduling.domain.visits import Visit, VisitStatus

SPECIFIC_VISITS = "specific_visits"
"""The portal mode "Client Makes Request Against Specific Visits" (clients' company settings)."""
MAX_DATES_PER_REQUEST = 62
MAX_VISITS_PER_CANCELLATION = 100


class Decision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    DENIED = "denied"
    """A change/cancellation request turned down (the contracts' word for it)."""


class RequestKind(StrEnum):
    CHANGE = "change"
    CANCELLATION = "cancellation"


# ---- errors a client or the business can get -------------------------------------------------

class RequestNotFound(NotFound):
    code = "request_not_found"


class RequestedVisitNotFound(NotFound):
    code = "requested_visit_not_found"


class RequestAlreadyDecided(Conflict):
    code = "request_already_decided"


class RequestsAgainstVisitsOff(Forbidden):
    """R-REQ-1: the company takes change/cancellation requests as messages, not against visits."""

    code = "requests_against_visits_off"


class VisitNotRequestable(Conflict):
    """R-REQ-7: the visit is completed, cancelled or under way."""

    code = "visit_not_requestable"


class VisitInPast(InvalidInput):
    """R-REQ-7 / R-SCHED-6: a request is only for visits still to come."""

    code = "visit_in_past"


class RequestAlreadyPending(Conflict):
    """R-REQ-4: a visit carries at most one pending request; wait for the answer to the first."""

    code = "request_already_pending"


class ServiceNotRequestable(InvalidInput):
    """R-SCHED-6: only an enabled, client-selectable service can be requested."""

    code = "service_not_requestable"


class InvalidRequest(InvalidInput):
    code = "invalid_request"


# ---- service requests (R-SCHED-6) ------------------------------------------------------------

@dataclass
class RequestedVisit:
    """One date of a service request and its decision; `visit_id` is the calendar visit once approved."""

    id: UUID
    visit_date: date
    decision: Decision = Decision.PENDING
    visit_id: UUID | None = None
    decided_at: datetime | None = None


@dataclass
class ServiceRequest:
    id: UUID
    company_id: UUID
    client_id: UUID
    service_id: UUID
    block_id: UUID
    pet_ids: tuple[UUID, ...]
    comments: str | None
    submitted_at: datetime
    visits: list[RequestedVisit]
    confirmed_at: datetime | None = None
    """When the one confirmation (R-EMAIL-2) was queued; None until every visit is decided."""
    message: str | None = None
    """The business's note for the client, sent with the confirmation (the latest one given)."""

    @property
    def status(self) -> str:
        """"pending" while any visit waits for a decision, then "processed"."""
        return "pending" if any(v.decision is Decision.PENDING for v in self.visits) else "processed"

    def visit(self, requested_visit_id: UUID) -> RequestedVisit:
        found = next((v for v in self.visits if v.id == requested_visit_id), None)
        if found is None:
            raise RequestedVisitNotFound("No such visit in this request.")
        return found

    def decide(self, requested_visit_id: UUID, decision: Decision, *, now: datetime,
               visit_id: UUID | None = None, message: str | None = None) -> RequestedVisit:
        """Approve (with the calendar `visit_id` made for it) or reject one requested visit.
        Raises RequestedVisitNotFound (404), RequestAlreadyDecided (409). R-SCHED-6."""
        if decision not in (Decision.APPROVED, Decision.REJECTED):
            raise InvalidRequest("A requested visit is approved or rejected.")
        visit = self.visit(requested_visit_id)
        if visit.decision is not Decision.PENDING:
            raise RequestAlreadyDecided(f"This visit was already {visit.decision.value}.",
                                        details={"decision": visit.decision.value})
        visit.decision, visit.visit_id, visit.decided_at = decision, visit_id, now
        if message and message.strip():
            self.message = message.strip()
        return visit

    def confirm(self, now: datetime) -> bool:
        """True exactly once: when every visit is decided and no confirmation went yet (R-SCHED-6:
        one confirmation per request). Marks the request confirmed."""
        if self.status != "processed" or self.confirmed_at is not None:
            return False
        self.confirmed_at = now
        return True

    @property
    def overall(self) -> Literal["approved", "rejected", "partly_approved"]:
        """approved (all), rejected (all) or partly_approved: the headline of the confirmation."""
        decisions = {v.decision for v in self.visits}
        if decisions == {Decision.APPROVED}:
            return "approved"
        return "rejected" if decisions == {Decision.REJECTED} else "partly_approved"


def new_service_request(*, company_id: UUID, client_id: UUID, service_id: UUID, block_id: UUID,
                        pet_ids: tuple[UUID, ...], dates: list[date], comments: str | None,
                        now: datetime) -> ServiceRequest:
    """A pending service request, one requested visit per date (sorted). Raises InvalidRequest (422)
    for no dates, a date twice, too many dates, or no pets. R-SCHED-6."""
    if not dates or len(set(dates)) != len(dates):
        raise InvalidRequest("Pick one or more dates, each once.")
    if len(dates) > MAX_DATES_PER_REQUEST:
        raise InvalidRequest(f"At most {MAX_DATES_PER_REQUEST} dates in one request.")
    if not pet_ids or len(set(pet_ids)) != len(pet_ids):
        raise InvalidRequest("Pick one or more of your pets, each once.")
    return ServiceRequest(uuid4(), company_id, client_id, service_id, block_id, tuple(pet_ids),
                          (comments or "").strip() or None, now,
                          [RequestedVisit(uuid4(), day) for day in sorted(dates)])


def check_service_requestable(service: Service) -> None:
    """R-SCHED-6: only an enabled, client-selectable service can be requested (ServiceNotRequestable,
    422). Its blocks and their weekdays are the catalogue's check (`Service.check_block`)."""
    if not (service.active and service.client_selectable):
        raise ServiceNotRequestable("This service cannot be requested from the portal.",
                                    details={"service_id": str(service.id)})


# ---- change and cancellation requests (R-REQ-1..7) ------------------------------------------

@dataclass(frozen=True)
class VisitChange:
    """R-REQ-3: what a change request asks for; only the fields the client changed are set. A visit
    has a time or a block, so a new time and a new block together are refused."""

    new_date: date | None = None
    new_start_time: time | None = None
    new_block_id: UUID | None = None
    new_service_id: UUID | None = None
    new_pet_ids: tuple[UUID, ...] | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        if self.new_start_time is not None and self.new_block_id is not None:
            raise InvalidRequest("Ask for a new time or a new block, not both.")
        if self.new_pet_ids is not None and not self.new_pet_ids:
            raise InvalidRequest("A visit needs at least one pet.")
        if all(getattr(self, name) in (None, "") for name in self.__dataclass_fields__):
            raise InvalidRequest("Say what should change.")


@dataclass
class ChangeRequest:
    id: UUID
    company_id: UUID
    client_id: UUID
    kind: RequestKind
    visit_ids: tuple[UUID, ...]
    submitted_at: datetime
    change: VisitChange | None = None
    reason: str | None = None
    decision: Decision = Decision.PENDING
    auto_approved: bool = False
    decided_at: datetime | None = None
    message: str | None = None

    @property
    def pending(self) -> bool:
        return self.decision is Decision.PENDING

    def decide(self, decision: Decision, *, now: datetime, message: str | None = None) -> None:
        """Approve or deny (R-REQ-6). Raises RequestAlreadyDecided (409)."""
        if decision not in (Decision.APPROVED, Decision.DENIED):
            raise InvalidRequest("A change or cancellation request is approved or denied.")
        if not self.pending:
            raise RequestAlreadyDecided(f"This request was already {self.decision.value}.",
                                        details={"decision": self.decision.value})
        self.decision, self.decided_at = decision, now
        self.message = (message or "").strip() or None


def new_change_request(*, company_id: UUID, client_id: UUID, kind: RequestKind, visit_ids: list[UUID],
                       change: VisitChange | None, reason: str | None, now: datetime,
                       cancellations_auto_approve: bool | None) -> ChangeRequest:
    """R-REQ-1..5: a change of one visit (always pending, R-REQ-3), or a cancellation of one or more
    (approved at once when the company auto-approves cancellations, R-REQ-2). Raises InvalidRequest."""
    if not visit_ids or len(set(visit_ids)) != len(visit_ids):
        raise InvalidRequest("Pick one or more of your visits, each once.")
    if kind is RequestKind.CHANGE:
        if change is None or len(visit_ids) != 1:
            raise InvalidRequest("A change request is for one visit and says what should change.")
    elif change is not None:
        raise InvalidRequest("A cancellation carries a reason, not changes.")
    if len(visit_ids) > MAX_VISITS_PER_CANCELLATION:
        raise InvalidRequest(f"At most {MAX_VISITS_PER_CANCELLATION} visits in one request.")
    request = ChangeRequest(uuid4(), company_id, client_id, kind, tuple(visit_ids), now, change,
                            (reason or "").strip() or None)
    if kind is RequestKind.CANCELLATION and cancellations_auto_approve:
        request.decide(Decision.APPROVED, now=now)
        request.auto_approved = True
    return request


def check_portal_mode(mode: str | None) -> None:
    """R-REQ-1: requests against visits only in that portal mode (clients' default is messages)."""
    if mode != SPECIFIC_VISITS:
        raise RequestsAgainstVisitsOff(
            "Your care provider takes change and cancellation requests as a message: send them one from the portal.")


def check_visit_requestable(visit: Visit, *, client_id: UUID, now: datetime,
                            pending_request_id: UUID | None) -> None:
    """R-REQ-7: only the client's own (else VisitNotFound, 404: nothing says it exists), future
    (VisitInPast, 422), scheduled (VisitNotRequestable, 409) visits, with no other request pending on
    them (RequestAlreadyPending, 409, R-REQ-4)."""
    if visit.client_id != client_id:
        raise VisitNotFound("No such visit on your schedule.")
    if visit.status is not VisitStatus.SCHEDULED:
        raise VisitNotRequestable(f"This visit is {visit.status.value.replace('_', ' ')}: it can no longer be changed.",
                                  details={"visit_id": str(visit.id), "status": visit.status.value})
    if visit.starts_at <= now:
        raise VisitInPast("This visit has already started or passed.", details={"visit_id": str(visit.id)})
    if pending_request_id is not None:
        raise RequestAlreadyPending("This visit already has a request waiting for an answer.",
                                    details={"visit_id": str(visit.id), "request_id": str(pending_request_id)})
