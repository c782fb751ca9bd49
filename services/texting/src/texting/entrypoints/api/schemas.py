"""What the texting API answers: every route declares one of these (the merged OpenAPI document is
what frontends generate their clients from)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from texting.domain.account import TextingAccount
from texting.domain.availability import blockers
from texting.domain.people import Person
from texting.domain.texts import Text
from texting.domain.usage import UsageTotals
from texting.service_layer.messages import MessagesLog, Validity, Waiting
from texting.service_layer.ports import AvailableNumber


class SettingsView(BaseModel):
    """R-TEXT-4 settings."""

    mobile_field: str | None
    max_messages: int
    max_images: int

    @classmethod
    def of(cls, account: TextingAccount) -> SettingsView:
        return cls(mobile_field=account.mobile_field, max_messages=account.max_messages,
                   max_images=account.max_images)


class StatusView(BaseModel):
    """Everything about the company's texting, and why texts cannot go out yet (R-DELIV-9)."""

    plan: str | None
    in_trial: bool
    turned_on: bool
    number: str | None
    registration_status: str
    registration_failure: str | None
    settings: SettingsView
    can_text_clients: bool
    cannot_text_clients_because: list[str]
    cannot_text_staff_because: list[str]

    @classmethod
    def of(cls, account: TextingAccount) -> StatusView:
        to_clients = blockers(account.texting, to_client=True)
        return cls(plan=account.plan, in_trial=account.in_trial, turned_on=account.turned_on, number=account.number,
                   registration_status=account.registration_status,
                   registration_failure=account.registration_failure, settings=SettingsView.of(account),
                   can_text_clients=not to_clients, cannot_text_clients_because=to_clients,
                   cannot_text_staff_because=blockers(account.texting, to_client=False))


class TurnedOnView(BaseModel):
    turned_on: bool


class AvailableNumberView(BaseModel):
    phone_number: str
    locality: str | None
    region: str | None

    @classmethod
    def of(cls, number: AvailableNumber) -> AvailableNumberView:
        return cls(phone_number=number.phone_number, locality=number.locality, region=number.region)


class NumberView(BaseModel):
    number: str


class RegistrationStatusView(BaseModel):
    status: str


class RegistrationView(BaseModel):
    """R-TEXT-3: the statuses, and what was submitted (the tax id as its last four digits only)."""

    status: str
    failure_reason: str | None = None
    identity_status: str | None = None
    submitted: dict[str, Any] | None = None


class OtpView(BaseModel):
    status: str = "sent"


class TextView(BaseModel):
    id: UUID
    direction: str
    status: str
    person_id: UUID | None
    person_kind: str | None
    number: str
    body: str
    media_urls: list[str]
    segments: int
    error_code: int | None
    error: str | None
    purpose: str | None
    delivery_id: UUID | None
    created_at: datetime | None

    @classmethod
    def of(cls, text: Text) -> TextView:
        return cls(id=text.id, direction=text.direction, status=text.status, person_id=text.person_id,
                   person_kind=text.person_kind, number=text.number, body=text.body, media_urls=text.media_urls,
                   segments=text.segments, error_code=text.error_code, error=text.error, purpose=text.purpose,
                   delivery_id=text.delivery_id, created_at=text.created_at)


class TotalsView(BaseModel):
    """R-TEXT-10: `used` = `sent` + `received`; `failed` sends are not billed (domain/usage.py)."""

    sent: int
    received: int
    failed: int
    used: int

    @classmethod
    def of(cls, totals: UsageTotals) -> TotalsView:
        return cls(sent=totals.sent, received=totals.received, failed=totals.failed, used=totals.used)


class MessagesLogView(BaseModel):
    messages: list[TextView]
    totals: TotalsView

    @classmethod
    def of(cls, log: MessagesLog) -> MessagesLogView:
        return cls(messages=[TextView.of(t) for t in log.messages], totals=TotalsView.of(log.totals))


class UsageView(BaseModel):
    """R-TEXT-13: a month's texts used; the same definition as the log's totals."""

    month: str
    sent: int
    received: int
    used: int
    failed_not_billed: int

    @classmethod
    def of(cls, month: str, totals: UsageTotals) -> UsageView:
        return cls(month=month, sent=totals.sent, received=totals.received, used=totals.used,
                   failed_not_billed=totals.failed)


class CandidateView(BaseModel):
    person_id: UUID
    kind: str
    name: str

    @classmethod
    def of(cls, person: Person) -> CandidateView:
        return cls(person_id=person.person_id, kind=person.kind, name=person.name)


class UnassignedView(BaseModel):
    """R-TEXT-9; `candidates`: the people who have that number (R-TEXT-8: a shared number is not
    guessed), empty for a stranger."""

    id: UUID
    company_id: UUID
    text_id: UUID
    from_number: str
    body: str
    media_urls: list[str]
    received_at: datetime
    assigned_to: UUID | None
    assigned_kind: str | None
    assigned_at: datetime | None
    candidates: list[CandidateView]

    @classmethod
    def of(cls, waiting: Waiting) -> UnassignedView:
        m = waiting.message
        return cls(id=m.id, company_id=m.company_id, text_id=m.text_id, from_number=m.from_number, body=m.body,
                   media_urls=m.media_urls, received_at=m.received_at, assigned_to=m.assigned_to,
                   assigned_kind=m.assigned_kind, assigned_at=m.assigned_at,
                   candidates=[CandidateView.of(p) for p in waiting.candidates])


class AssignedView(BaseModel):
    assigned_to: UUID
    kind: str


class ValidityView(BaseModel):
    """R-TEXT-11."""

    person_id: UUID
    kind: str
    name: str
    number: str | None
    valid: bool
    textable: bool
    reason: str | None

    @classmethod
    def of(cls, v: Validity) -> ValidityView:
        return cls(person_id=v.person.person_id, kind=v.person.kind, name=v.person.name, number=v.number,
                   valid=v.valid, textable=v.textable, reason=v.reason)
