"""Facility events over HTTP (R-FAC-2, R-FAC-4, R-FAC-5) for the business. Managers schedule,
change, cancel, add add-ons and duplicate; staff (and managers) read every event of the facility
and check pets in and out. Answers are `EventView`s, with the staff note; clients use
client_events.py, whose answers never have it (R-FAC-3).

A booking over a space's capacity or pets per staff is made and its answer carries `warnings`,
unless the company made capacity a hard limit (409 `space_full`)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter
from petcare_kit.identity import MANAGERS, STAFF_ROLES, allow
from petcare_kit.validation import Limit, Offset

from facility.domain.events import EventStatus
from facility.entrypoints.api.deps import ContextDep
from facility.entrypoints.api.schemas import BookedView, DuplicatedView, EventPage, EventView
from facility.service_layer import duplication, events
from facility.service_layer.events_commands import AddAddOn, DuplicateEvent, ScheduleEvent, UpdateEvent

router = APIRouter(tags=["events"])


@router.get("/events", response_model=EventPage, **allow(*STAFF_ROLES))
async def list_events(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0, client_id: UUID | None = None,
                      space_id: UUID | None = None, starts_from: date | None = None,
                      starts_before: date | None = None, status: EventStatus | None = None) -> EventPage:
    """By start date and time; `starts_from` / `starts_before` are local dates."""
    found = await events.list_events(ctx, limit=limit, offset=offset, client_id=client_id, space_id=space_id,
                                     starts_from=starts_from, starts_before=starts_before, status=status)
    return EventPage(items=[EventView.of(d) for d in found], limit=limit, offset=offset)


@router.post("/events", status_code=201, response_model=BookedView, **allow(*MANAGERS))
async def schedule_event(body: ScheduleEvent, ctx: ContextDep) -> BookedView:
    """R-FAC-2. Daycare: `starts_on`, `start_time`, `end_time`; overnight: `starts_on`, `ends_on`.
    422 `pets_not_allowed`, `invalid_event_time`, `service_not_allowed`; 404 for another company's
    client, space or service; 409 `client_inactive`, `space_full` (hard limit)."""
    return BookedView.of(await events.schedule_event(ctx, body))


@router.get("/events/{event_id}", response_model=EventView, **allow(*STAFF_ROLES))
async def get_event(event_id: UUID, ctx: ContextDep) -> EventView:
    return EventView.of(await events.get_event(ctx, event_id))


@router.patch("/events/{event_id}", response_model=BookedView, **allow(*MANAGERS))
async def update_event(event_id: UUID, body: UpdateEvent, ctx: ContextDep) -> BookedView:
    """Move (the whole time again), another space or pets, or the note."""
    return BookedView.of(await events.update_event(ctx, event_id, body))


@router.post("/events/{event_id}/check-in", response_model=EventView, **allow(*STAFF_ROLES))
async def check_in(event_id: UUID, ctx: ContextDep) -> EventView:
    return EventView.of(await events.check_in(ctx, event_id))


@router.post("/events/{event_id}/check-out", response_model=EventView, **allow(*STAFF_ROLES))
async def check_out(event_id: UUID, ctx: ContextDep) -> EventView:
    return EventView.of(await events.check_out(ctx, event_id))


@router.post("/events/{event_id}/cancel", response_model=EventView, **allow(*MANAGERS))
async def cancel_event(event_id: UUID, ctx: ContextDep) -> EventView:
    return EventView.of(await events.cancel_event(ctx, event_id))


@router.post("/events/{event_id}/add-ons", status_code=201, response_model=EventView, **allow(*MANAGERS))
async def add_add_on(event_id: UUID, body: AddAddOn, ctx: ContextDep) -> EventView:
    """R-FAC-4: an add-on of the event's main service (422 `service_not_allowed` otherwise),
    optionally on one of the event's dates and at a time."""
    return EventView.of(await events.add_add_on(ctx, event_id, body))


@router.post("/events/{event_id}/duplicate", status_code=201, response_model=DuplicatedView, **allow(*MANAGERS))
async def duplicate_event(event_id: UUID, body: DuplicateEvent, ctx: ContextDep) -> DuplicatedView:
    """R-FAC-5: a copy per future date; dates in the past or over a hard capacity limit are listed in
    `refused` with their reason and the rest are created. All refused: 422 `date_in_past` or 409
    `space_full` (`details.refused` lists each) and nothing changes."""
    return DuplicatedView.of(await duplication.duplicate_event(ctx, event_id, body))
