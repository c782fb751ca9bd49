"""Conversation feeds: read, post (with a per-message delivery override), mark read."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Query
from petcare_kit.identity import PEOPLE, allow

from notifications.entrypoints.api.deps import ContextDep
from notifications.entrypoints.api.schemas import FeedPage, MessageView
from notifications.service_layer import feed
from notifications.service_layer.commands import PostMessage

router = APIRouter(tags=["conversation feeds"])


@router.get("/conversations/{person_id}/messages", response_model=FeedPage, **allow(*PEOPLE))
async def read_feed(person_id: UUID, ctx: ContextDep, before: datetime | None = None,
                    limit: int = Query(50, ge=1, le=200)) -> FeedPage:
    """Newest first; pass the oldest `created_at` seen as `before` for the next page."""
    return FeedPage.of(await feed.read_feed(ctx, person_id, before=before, limit=limit))


@router.post("/conversations/{person_id}/messages", status_code=201, response_model=MessageView, **allow(*PEOPLE))
async def post_message(person_id: UUID, body: PostMessage, ctx: ContextDep) -> MessageView:
    """Staff write to a client's or a colleague's feed (R-EMAIL-1); a client writes in their own."""
    return MessageView.of(await feed.post_message(ctx, person_id, body))


@router.post("/conversations/{person_id}/read", status_code=204, **allow(*PEOPLE))
async def mark_read(person_id: UUID, ctx: ContextDep) -> None:
    await feed.mark_read(ctx, person_id)
