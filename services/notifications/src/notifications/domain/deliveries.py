"""Deliveries: one per (cause, recipient, trigger), with the decision and each channel's state
(R-DELIV-7: "why did this client get / not get a text?"). Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

TEXT_FINAL_STATES = frozenset({"delivered", "failed", "not_sent"})
"""Once here, a late 'sent' report does not move the text back."""


@dataclass(frozen=True)
class NewDelivery:
    """A decision to record, with the email to queue (None: no email) and whether a text was asked."""

    id: UUID
    company_id: UUID
    trigger: str
    recipient_id: UUID
    source_id: UUID
    decision: list[dict[str, Any]]
    """Every channel, chosen or not, with its reasons: `{channel, chosen, reasons}`."""
    email: dict[str, Any] | None
    text_requested: bool


@dataclass(frozen=True)
class DeliveryRecord:
    """A recorded delivery as the decision log shows it."""

    id: UUID
    trigger: str
    recipient_id: UUID
    created_at: datetime
    decision: list[dict[str, Any]]
    email_state: str
    """none, pending, sending, sent, failed."""
    text_state: str
    """none, requested, sent, delivered, failed, not_sent."""
    email: dict[str, Any] = field(default_factory=dict)
    email_attempts: int = 0
    email_provider_id: str | None = None
    email_error: str | None = None
    text_error: str | None = None


def text_state_may_change(current: str, reported: str) -> bool:
    """Texting's reports can arrive out of order: a 'sent' never overwrites a final state."""
    return not (reported == "sent" and current in TEXT_FINAL_STATES)
