"""Commands of client requests, cut-offs and field actions (also the API's request bodies: unknown
fields refused, sizes bounded)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, HttpUrl, StringConstraints, model_validator

from scheduling.domain.cutoffs import MAX_HOURS_AHEAD, Cutoff, CutoffKind, InvalidCutoff
from scheduling.domain.requests import MAX_DATES_PER_REQUEST, MAX_VISITS_PER_CANCELLATION, VisitChange
from scheduling.service_layer.commands import Command, LocalTime, Note, VisitDate

Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
PetIds = Annotated[list[UUID], Field(min_length=1, max_length=20)]


class RequestServices(Command):
    """R-SCHED-6: visits of one client-selectable service in one block, on some dates, for some pets."""

    service_id: UUID
    schedule_block_id: UUID
    pet_ids: PetIds
    dates: list[VisitDate] = Field(min_length=1, max_length=MAX_DATES_PER_REQUEST)
    comments: Comment | None = None


class DecideRequestedVisit(Command):
    """Approve (the visit goes on the calendar, optionally with a staff member) or reject one visit."""

    decision: Literal["approved", "rejected"]
    message: Comment | None = None
    """A note for the client, sent with the request's one confirmation."""
    staff_id: UUID | None = None
    override_conflicts: bool = False


class RequestChange(Command):
    """R-REQ-3: only the fields that should change; a new time or a new block, not both."""

    visit_id: UUID
    new_date: VisitDate | None = None
    new_start_time: LocalTime | None = None
    new_schedule_block_id: UUID | None = None
    new_service_id: UUID | None = None
    new_pet_ids: PetIds | None = None
    notes: Comment | None = None

    def change(self) -> VisitChange:
        """Raises InvalidRequest (422) for nothing to change, or both a time and a block."""
        return VisitChange(self.new_date, self.new_start_time, self.new_schedule_block_id, self.new_service_id,
                           tuple(self.new_pet_ids) if self.new_pet_ids is not None else None, self.notes or None)


class RequestCancellation(Command):
    """R-REQ-2, R-REQ-5: one or more visits, with an optional reason."""

    visit_ids: list[UUID] = Field(min_length=1, max_length=MAX_VISITS_PER_CANCELLATION)
    reason: Comment | None = None


class DecideChangeRequest(Command):
    decision: Literal["approved", "denied"]
    message: Comment | None = None
    override_conflicts: bool = False
    """For an approved change that puts the assigned staff member's visits on top of each other."""


class CutoffBody(Command):
    """R-SCHED-7: `kind` none | same_day_after | next_day_after (with `at`, local) | hours_ahead
    (with `hours`); `message`: the business's own words for a refusal."""

    kind: CutoffKind = CutoffKind.NONE
    at: LocalTime | None = None
    hours: int | None = Field(default=None, ge=1, le=MAX_HOURS_AHEAD)
    message: Comment | None = None

    @model_validator(mode="after")
    def _complete(self) -> CutoffBody:
        try:
            self.cutoff()
        except InvalidCutoff as error:  # a kind without its time or hours: a 422 like any bad body
            raise ValueError(error.message) from error
        return self

    def cutoff(self) -> Cutoff:
        return Cutoff(self.kind, self.at, self.hours, self.message or None)


class SetCutoffs(Command):
    new_requests: CutoffBody = CutoffBody()
    change_requests: CutoffBody = CutoffBody()


class CompleteVisit(Command):
    """R-SCHED-8 / R-EMAIL-1: what the staff member leaves for the client (all optional)."""

    message_for_client: Note | None = None
    image_urls: list[HttpUrl] = Field(default=[], max_length=10)
    report_card_url: HttpUrl | None = None

