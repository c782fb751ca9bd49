"""What the API answers: one response model per route (the merged OpenAPI document is the
frontends' contract). Request bodies are the commands (service_layer/commands.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from notifications.domain.company import CompanyState
from notifications.domain.deliveries import DeliveryRecord
from notifications.domain.feeds import FeedMessage
from notifications.domain.feeds import FeedPage as Page
from notifications.domain.preferences import DefaultDelivery
from notifications.domain.switches import Switch
from notifications.service_layer.delivery_settings import PersonPreferences


class MessageView(BaseModel):
    id: UUID
    author: str
    author_id: UUID | None
    text: str
    image_urls: list[str]
    report_card_url: str | None
    created_at: datetime

    @classmethod
    def of(cls, m: FeedMessage) -> MessageView:
        assert m.created_at is not None
        return cls(id=m.id, author=m.author, author_id=m.author_id, text=m.text, image_urls=m.image_urls,
                   report_card_url=m.report_card_url, created_at=m.created_at)


class FeedPage(BaseModel):
    messages: list[MessageView]
    unread: int

    @classmethod
    def of(cls, page: Page) -> FeedPage:
        return cls(messages=[MessageView.of(m) for m in page.messages], unread=page.unread)


class PreferencesView(BaseModel):
    person_id: UUID
    default_delivery: DefaultDelivery
    texting_enabled: bool
    pending: bool = False
    """True: the person is not known to notifications yet; these apply as soon as they are."""

    @classmethod
    def of(cls, p: PersonPreferences) -> PreferencesView:
        return cls(person_id=p.person_id, default_delivery=p.preferences.default_delivery,
                   texting_enabled=p.preferences.texting_enabled, pending=p.pending)


class BulkResult(BaseModel):
    updated: int


class SwitchesView(BaseModel):
    switches: dict[str, bool]
    notify_client_when_visit_starts: bool
    texting_available: bool
    texting_unavailable_because: list[str]

    @classmethod
    def of(cls, state: CompanyState) -> SwitchesView:
        return cls(switches={s.value: s in state.switches.on for s in Switch},
                   notify_client_when_visit_starts=state.switches.notify_client_when_visit_starts,
                   texting_available=state.texting.available,
                   texting_unavailable_because=list(state.texting.reasons))


class ChannelView(BaseModel):
    channel: str
    chosen: bool
    reasons: list[str]


class EmailStatus(BaseModel):
    state: str
    to: str | None
    subject: str | None
    attempts: int
    provider_id: str | None
    error: str | None


class TextStatus(BaseModel):
    state: str
    error: str | None


class DeliveryView(BaseModel):
    id: UUID
    trigger: str
    recipient_id: UUID
    created_at: datetime
    decision: list[ChannelView]
    email: EmailStatus
    text: TextStatus

    @classmethod
    def of(cls, d: DeliveryRecord) -> DeliveryView:
        email: dict[str, Any] = d.email or {}
        return cls(id=d.id, trigger=d.trigger, recipient_id=d.recipient_id, created_at=d.created_at,
                   decision=[ChannelView(**c) for c in d.decision],
                   email=EmailStatus(state=d.email_state, to=email.get("to"), subject=email.get("subject"),
                                     attempts=d.email_attempts, provider_id=d.email_provider_id, error=d.email_error),
                   text=TextStatus(state=d.text_state, error=d.text_error))


class MailboxView(BaseModel):
    mailbox_url: str | None
