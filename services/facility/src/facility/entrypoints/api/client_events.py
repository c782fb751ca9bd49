"""A client's facility events over HTTP: the client themselves (their own only) or the business.
Every answer here is a `ClientEventView`, which has no note (R-FAC-3)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter
from petcare_kit.identity import PEOPLE, allow
from petcare_kit.validation import Limit, Offset

from facility.entrypoints.api.deps import ContextDep
from facility.entrypoints.api.schemas import ClientEventPage, ClientEventView
from facility.service_layer import events

router = APIRouter(tags=["client events"])


@router.get("/clients/{client_id}/events", response_model=ClientEventPage, **allow(*PEOPLE))
async def client_events(client_id: UUID, ctx: ContextDep, limit: Limit = 50, offset: Offset = 0,
                        starts_from: date | None = None, starts_before: date | None = None) -> ClientEventPage:
    """The client's events by start (404 `client_not_found` for a client asking for another's)."""
    found = await events.client_events(ctx, client_id, limit=limit, offset=offset, starts_from=starts_from,
                                       starts_before=starts_before)
    return ClientEventPage(items=[ClientEventView.of(d) for d in found], limit=limit, offset=offset)


@router.get("/clients/{client_id}/events/{event_id}", response_model=ClientEventView, **allow(*PEOPLE))
async def client_event(client_id: UUID, event_id: UUID, ctx: ContextDep) -> ClientEventView:
    return ClientEventView.of(await events.client_event(ctx, client_id, event_id))
