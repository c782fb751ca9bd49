"""What notifications knows of a person (a read model of clients.events) and whether a number can
be texted (R-DELIV-5, R-TEXT-11)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

import phonenumbers

TEXTABLE_REGIONS = frozenset({"US", "CA"})
"""R-DELIV-5: only numbers of the USA and Canada are ever texted."""


@dataclass(frozen=True)
class NumberFacts:
    """A number as telecom numbering sees it: valid means it conforms, not that it can receive texts."""

    e164: str | None
    valid: bool
    region: str | None

    @classmethod
    def of(cls, number: str | None) -> NumberFacts | None:
        if not number:
            return None
        try:
            parsed = phonenumbers.parse(number, "US")
        except phonenumbers.NumberParseException:
            return cls(e164=None, valid=False, region=None)
        valid = phonenumbers.is_valid_number(parsed)
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) if valid else None
        return cls(e164=e164, valid=valid, region=phonenumbers.region_code_for_number(parsed) if valid else None)

    @property
    def in_usa_or_canada(self) -> bool:
        return self.region in TEXTABLE_REGIONS


@dataclass(frozen=True)
class Recipient:
    person_id: UUID
    kind: Literal["client", "staff"]
    role: str
    """client, admin, office_manager or staff."""
    name: str
    email: str | None
    mobile: NumberFacts | None
    active: bool = True
    opted_out_numbers: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_manager(self) -> bool:
        return self.role in ("admin", "office_manager")

    @property
    def mobile_opted_out(self) -> bool:
        return bool(self.mobile and self.mobile.e164 and self.mobile.e164 in self.opted_out_numbers)


def pick_mobile(phones: list[dict], custom_fields: dict[str, str], mobile_field: str | None = None) -> str | None:
    """The number to text: the custom field the company named as the mobile one (R-TEXT-4) when it
    holds something, else the first phone labelled mobile."""
    if mobile_field and custom_fields.get(mobile_field, "").strip():
        return custom_fields[mobile_field].strip()
    for phone in phones:
        if phone.get("label") == "mobile":
            return phone.get("e164") or phone.get("number")
    return None
