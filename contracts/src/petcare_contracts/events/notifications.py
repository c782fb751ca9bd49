"""Events of the notifications service (`notifications.events`)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from petcare_contracts.events.common import PersonKind
from petcare_contracts.registry import EventPayload, event

TOPIC = "notifications.events"
Channel = Literal["in_app", "email", "text"]


class ChannelDecision(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    channel: Channel
    chosen: bool
    reasons: list[str]


@event("notifications.feed.message_posted", version=1, topic=TOPIC, key="conversation_id")
class FeedMessagePosted(EventPayload):
    conversation_id: UUID
    message_id: UUID
    person_id: UUID
    person_kind: PersonKind
    author: Literal["staff", "client", "system"]
    text: str
    image_urls: list[str] = []


@event("notifications.delivery.decided", version=1, topic=TOPIC, key="recipient_id")
class DeliveryDecided(EventPayload):
    """R-DELIV-7: what was decided for one recipient of one trigger, and why."""

    delivery_id: UUID
    trigger: str
    recipient_id: UUID
    channels: list[ChannelDecision]


@event("notifications.email.sent", version=1, topic=TOPIC, key="delivery_id")
class EmailSent(EventPayload):
    delivery_id: UUID
    recipient_id: UUID
    provider_message_id: str | None


@event("notifications.email.failed", version=1, topic=TOPIC, key="delivery_id")
class EmailFailed(EventPayload):
    delivery_id: UUID
    recipient_id: UUID
    reason: str
