"""Conversation feeds: read, post (with a per-message delivery override), mark read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.errors import NotFound
from petcare_kit.identity import PEOPLE, Identity, IdentityDep, Role, allow
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from notifications.adapters import feeds, read_models
from notifications.domain.preferences import DefaultDelivery, DeliveryOverride
from notifications.service_layer import feed

router = APIRouter(tags=["conversation feeds"])


class NewMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    image_urls: list[Annotated[str, StringConstraints(max_length=2000)]] = Field(default_factory=list, max_length=10)
    report_card_url: Annotated[str, StringConstraints(max_length=2000)] | None = None
    delivery_override: DefaultDelivery | None = None
    """R-DELIV-3: this message only (staff)."""


class MessageView(BaseModel):
    id: UUID
    author: str
    author_id: UUID | None
    text: str
    image_urls: list[str]
    report_card_url: str | None
    created_at: datetime


class FeedPage(BaseModel):
    messages: list[MessageView]
    unread: int


def check_own_feed(identity: Identity, person_id: UUID) -> None:
    """A client reaches only their own feed (others answer as if they did not exist)."""
    if identity.role == Role.CLIENT and identity.person_id != person_id:
        raise NotFound("No such conversation.", code="conversation_not_found")


async def _check_person(uow, identity: Identity, person_id: UUID) -> None:  # type: ignore[no-untyped-def]
    check_own_feed(identity, person_id)
    try:
        await read_models.get_recipient(uow.session, identity.company_id, person_id)
    except read_models.UnknownRecipient:
        raise NotFound("No such conversation.", code="conversation_not_found") from None


@router.get("/conversations/{person_id}/messages", response_model=FeedPage, **allow(*PEOPLE))
async def read_feed(person_id: UUID, identity: IdentityDep, uow: UnitOfWorkDep, before: datetime | None = None,
                    limit: int = Query(50, ge=1, le=200)) -> FeedPage:
    await _check_person(uow, identity, person_id)
    messages = await feeds.page(uow.session, identity.company_id, person_id, before=before, limit=limit)
    unread = await feeds.unread_count(uow.session, identity.company_id, person_id, identity.person_id)
    return FeedPage(messages=[MessageView(**m.__dict__) for m in messages], unread=unread)


@router.post("/conversations/{person_id}/messages", status_code=201, response_model=MessageView, **allow(*PEOPLE))
async def post_message(person_id: UUID, body: NewMessage, identity: IdentityDep, uow: UnitOfWorkDep) -> MessageView:
    """Staff write to a client's or a colleague's feed (R-EMAIL-1); a client writes in their own."""
    await _check_person(uow, identity, person_id)
    override = DeliveryOverride.of(body.delivery_override) if body.delivery_override and identity.is_staff else None
    message = await feed.post_message(uow, identity, person_id, text=body.text, image_urls=body.image_urls,
                                      report_card_url=body.report_card_url, override=override)
    return MessageView(**message.__dict__)


@router.post("/conversations/{person_id}/read", status_code=204, **allow(*PEOPLE))
async def mark_read(person_id: UUID, identity: IdentityDep, uow: UnitOfWorkDep) -> None:
    await _check_person(uow, identity, person_id)
    await feeds.mark_read(uow.session, person_id, identity.person_id, datetime.now(UTC))
    await uow.commit()
