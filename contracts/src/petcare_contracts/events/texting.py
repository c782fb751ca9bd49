"""Commands to the texting service (`texting.commands`) and its events (`texting.events`).

Notifications decides who gets a text; texting owns the Twilio side and reports every outcome back
by the delivery id notifications gave, so a delivery's state can follow it (sent, delivered, failed,
or not sent with the reason, R-DELIV-5 / R-DELIV-9).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from petcare_contracts.registry import EventPayload, event

COMMANDS = "texting.commands"
TOPIC = "texting.events"
PersonKind = Literal["client", "staff"]
NotSentReason = Literal[
    "texting_unavailable", "registration_not_approved", "no_company_number", "opted_out", "invalid_number",
    "outside_usa_canada",
]


@event("texting.text.send_requested", version=1, topic=COMMANDS, key="recipient_id")
class SendTextRequested(EventPayload):
    """Send one conversation message (or alert) as texts. `delivery_id` is the idempotency key: a
    redelivered command sends nothing twice. Texting renders, splits and caps it (R-TEXT-5..7)."""

    delivery_id: UUID
    recipient_id: UUID
    recipient_kind: PersonKind
    to_number: str
    """E.164."""
    body: str
    image_urls: list[str] = []
    purpose: str
    """What the text is for (conversation_message, visit_started, staff_late...), for the messages log."""


@event("texting.text.sent", version=1, topic=TOPIC, key="delivery_id")
class TextSent(EventPayload):
    delivery_id: UUID
    recipient_id: UUID
    messages: int
    """Texts and picture messages sent for this delivery (R-TEXT-5, R-TEXT-6)."""


@event("texting.text.delivered", version=1, topic=TOPIC, key="delivery_id")
class TextDelivered(EventPayload):
    delivery_id: UUID
    recipient_id: UUID


@event("texting.text.failed", version=1, topic=TOPIC, key="delivery_id")
class TextFailed(EventPayload):
    delivery_id: UUID
    recipient_id: UUID
    error_code: int | None
    reason: str


@event("texting.text.not_sent", version=1, topic=TOPIC, key="delivery_id")
class TextNotSent(EventPayload):
    """Texting refused before calling Twilio; the delivery records why (R-DELIV-5, R-DELIV-9)."""

    delivery_id: UUID
    recipient_id: UUID
    reason: NotSentReason


@event("texting.text.received", version=1, topic=TOPIC, key="person_id")
class TextReceived(EventPayload):
    """R-TEXT-8: an inbound text matched to a client or staff member, for their conversation feed."""

    text_id: UUID
    person_id: UUID
    person_kind: PersonKind
    from_number: str
    body: str
    media_urls: list[str] = []
    received_at: datetime


@event("texting.unassigned_text.received", version=1, topic=TOPIC, key="unassigned_id")
class UnassignedTextReceived(EventPayload):
    """R-TEXT-9: from a number nobody has; the company is emailed that one arrived."""

    unassigned_id: UUID
    from_number: str
    body: str
    received_at: datetime


class Candidate(BaseModel):
    """A person who has the number an unassigned text came from (R-TEXT-8)."""

    id: UUID
    kind: PersonKind
    name: str


@event("texting.unassigned_text.received", version=2, topic=TOPIC, key="unassigned_id")
class UnassignedTextReceivedV2(EventPayload):
    """R-TEXT-9, R-TEXT-8: a text nobody could be named for; the company is emailed that one arrived,
    naming the `candidates` when the number is shared by several people (empty: a number nobody
    has). Published instead of v1, which could not name them."""

    unassigned_id: UUID
    from_number: str
    body: str
    received_at: datetime
    candidates: list[Candidate] = []


@event("texting.unassigned_text.assigned", version=1, topic=TOPIC, key="person_id")
class UnassignedTextAssigned(EventPayload):
    """R-TEXT-9: an admin gave it to a person; it joins their feed."""

    unassigned_id: UUID
    person_id: UUID
    person_kind: PersonKind
    from_number: str
    body: str
    media_urls: list[str] = []
    received_at: datetime


@event("texting.opt_out.changed", version=1, topic=TOPIC, key="number")
class OptOutChanged(EventPayload):
    """R-TEXT-12: STOP (opted_out) or START (not) from `number` to the company's number."""

    number: str
    opted_out: bool
    keyword: str


@event("texting.mobile_field.changed", version=1, topic=TOPIC, key="company_id")
class MobileFieldChanged(EventPayload):
    """R-TEXT-4: the company's "client phone number field" setting, owned by texting. `mobile_field`
    names the custom field that holds a person's mobile number (None: the first phone labelled
    mobile). Notifications picks the number it texts with it (petcare_kit.phone_numbers.mobile_number)."""

    company_id: UUID
    mobile_field: str | None


@event("texting.availability.changed", version=1, topic=TOPIC, key="company_id")
class TextingAvailabilityChanged(EventPayload):
    """Whether the company can text clients now (plan, number, A2P approval), and why not (R-DELIV-9)."""

    company_id: UUID
    available: bool
    reasons: list[str] = []


@event("texting.number.provisioned", version=1, topic=TOPIC, key="company_id")
class NumberProvisioned(EventPayload):
    """R-TEXT-2, R-BILL-1 ($10 a month while held)."""

    company_id: UUID
    number: str
    provisioned_at: datetime


@event("texting.number.released", version=1, topic=TOPIC, key="company_id")
class NumberReleased(EventPayload):
    company_id: UUID
    number: str
    released_at: datetime


@event("texting.usage.recorded", version=1, topic=TOPIC, key="company_id")
class UsageRecorded(EventPayload):
    """R-TEXT-13: one per text sent or received; failed sends are logged, not billed."""

    company_id: UUID
    text_id: UUID
    direction: Literal["outbound", "inbound"]
    units: int
    occurred_at: datetime


@event("texting.usage.month_closed", version=1, topic=TOPIC, key="company_id")
class UsageMonthClosed(EventPayload):
    """R-TEXT-13 → R-BILL-2..5: a company's texts of one finished month, for billing's monthly run.
    Outbound counts each text (segment) and picture message the carrier took; failed sends do not count."""

    company_id: UUID
    month: str
    """YYYY-MM: the company's LOCAL calendar month (its time zone from clients.events), closed once
    its local end has passed."""
    sent: int
    received: int
