"""Value shapes several events share."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

PhoneLabel = Literal["mobile", "home", "work", "other"]
PersonKind = Literal["client", "staff"]
"""A person known to a company: one of its clients or one of its staff."""


class Phone(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    label: PhoneLabel
    number: str
    """As the business typed it."""
    e164: str | None = None
    """Normalised (+15551234567) when the number could be parsed; validity for texting is decided by
    the services that text (R-TEXT-11), not here."""


class Address(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


class Contact(BaseModel):
    """How to reach a person: what notifications and texting keep in their read models."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    first_name: str
    last_name: str
    emails: list[str]
    phones: list[Phone]
    custom_fields: dict[str, str] = {}
