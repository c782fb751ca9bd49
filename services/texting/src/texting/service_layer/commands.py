"""What callers ask texting to do, one command per use case. The HTTP ones are also the API's
request bodies: unknown fields are refused and sizes bounded, so bad input is a 4xx before anything
changes. Twilio's webhooks are read into commands too, so a malformed one is refused the same way."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from petcare_contracts.events.texting import SendTextRequested
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from texting.domain.registration import RegistrationForm
from texting.domain.texts import Direction

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TurnTexting(Command):
    on: bool


class SearchNumbers(Command):
    """R-TEXT-2: by area code or by digits the number should contain (* one, % several)."""

    area_code: str | None = Field(default=None, max_length=3)
    contains: str | None = Field(default=None, max_length=16)
    country: Literal["US", "CA"] = "US"


class BuyNumber(Command):
    phone_number: str = Field(max_length=20)


class ReleaseNumber(Command):
    pass


class Register(Command):
    form: RegistrationForm


class RefreshRegistration(Command):
    pass


class ResendOtp(Command):
    pass


class ChangeSettings(Command):
    mobile_field: str | None = Field(default=None, max_length=100)
    """R-TEXT-4: the client custom field that holds the mobile number ("" to use the mobile phone)."""
    max_messages: int | None = Field(default=None, ge=1, le=10)
    max_images: int | None = Field(default=None, ge=0, le=10)


class ListMessages(Command):
    """R-TEXT-10: filters of the messages log."""

    direction: Direction | None = None
    status: str | None = Field(default=None, max_length=20)
    person_id: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(default=100, ge=1, le=500)


class MonthUsage(Command):
    month: str = Field(pattern=MONTH_PATTERN)
    """YYYY-MM, the company's local calendar month (its time zone)."""


class ListUnassigned(Command):
    include_assigned: bool = False


class Assign(Command):
    """R-TEXT-9: the person (client or staff) an unassigned message is given to."""

    person_id: UUID


class CheckValidity(Command):
    kind: Literal["client", "staff"] | None = None


Sid = Annotated[str, StringConstraints(min_length=2, max_length=64)]


class ApplyStatusCallback(Command):
    """Twilio's status callback of a text we sent (its form fields, renamed)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    sid: Sid = Field(alias="MessageSid")
    status: str = Field(alias="MessageStatus", max_length=40)
    error_code: int | None = Field(default=None, alias="ErrorCode")

    @field_validator("error_code", mode="before")
    @classmethod
    def _no_code(cls, value: Any) -> Any:
        """Twilio sends an empty ErrorCode when there is none."""
        return None if value in ("", None) else value


class ReceiveText(Command):
    """A text someone sent to a company number (Twilio's inbound webhook form, renamed)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    sid: Sid = Field(alias="MessageSid")
    from_number: str = Field(alias="From", max_length=40)
    to_number: str = Field(alias="To", max_length=40)
    body: str = Field("", alias="Body", max_length=5000)
    media_urls: list[str] = Field(default_factory=list, max_length=10)

    @model_validator(mode="before")
    @classmethod
    def _media(cls, form: Any) -> Any:
        """Twilio lists pictures as NumMedia and MediaUrl0..n; a NumMedia that is not a count is bad input."""
        if not isinstance(form, dict) or "media_urls" in form:
            return form
        count = str(form.get("NumMedia", "0") or "0")
        if not count.isdigit() or int(count) > 10:
            raise ValueError("NumMedia must be a count from 0 to 10")
        return {**form, "media_urls": [form[f"MediaUrl{i}"] for i in range(int(count)) if f"MediaUrl{i}" in form]}


class CloseFinishedMonths(Command):
    """R-TEXT-13: publish each finished month's usage once; `now` decides which months are finished."""

    now: datetime


class SendText(Command):
    """A send-a-text command of notifications (texting.commands), for `company_id`; `causation_id`
    is the command's envelope, so a refusal points back at it."""

    company_id: UUID
    causation_id: UUID | None = None
    request: SendTextRequested


class ApplyPlan(Command):
    """billing.plan.changed as texting's plan read model takes it (R-TEXT-1)."""

    company_id: UUID
    plan: str
    in_trial: bool


class IndexPersonNumbers(Command):
    """A person as the clients directory now has them (clients.events), for the inbound-number match."""

    company_id: UUID
    person_id: UUID
    phones: list[dict[str, Any]]
    """As clients publishes them: {"label", "number", "e164"}."""
    custom_fields: dict[str, str]
