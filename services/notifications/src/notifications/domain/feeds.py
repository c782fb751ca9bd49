"""Conversation feeds: one per client and per staff member; the in-app channel (R-DELIV-2). Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

Author = Literal["staff", "client", "system"]


@dataclass(frozen=True)
class FeedMessage:
    id: UUID
    company_id: UUID
    person_id: UUID
    """Whose feed."""
    author: Author
    author_id: UUID | None
    text: str
    image_urls: list[str] = field(default_factory=list)
    report_card_url: str | None = None
    source: str = "posted"
    """posted, visit_completed, text_received, text_assigned."""
    source_id: UUID | None = None
    """The event it came from, if any (one message per event, however often it is consumed)."""
    created_at: datetime | None = None
    """Set by the store."""

    @property
    def pictures(self) -> list[str]:
        """What a text of it carries: R-TEXT-6, a report card counts as one image."""
        return [*self.image_urls, *([self.report_card_url] if self.report_card_url else [])]

    @property
    def email_data(self) -> dict[str, Any]:
        """What the conversation email shows (adapters/email_templates.py)."""
        return {"text": self.text, "image_urls": self.image_urls, "report_card_url": self.report_card_url}


@dataclass(frozen=True)
class FeedPage:
    messages: list[FeedMessage]
    """Newest first."""
    unread: int
    """Messages by others than the reader, newer than the reader's last read."""
