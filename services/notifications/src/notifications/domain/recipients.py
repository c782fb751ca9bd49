"""What notifications knows of a person (a read model of clients.events) and whether a number can
be texted (R-DELIV-5, R-TEXT-11). The number facts and the R-TEXT-4 mobile rule are decided once, in
`petcare_kit.phone_numbers`; this module keeps the names notifications' code imports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from petcare_kit import phone_numbers
from petcare_kit.phone_numbers import TEXTABLE_COUNTRIES

TEXTABLE_REGIONS = TEXTABLE_COUNTRIES
"""R-DELIV-5: only numbers of the USA (with its +1 territories) and Canada are ever texted."""


@dataclass(frozen=True)
class NumberFacts:
    """A number as telecom numbering sees it: valid means it conforms, not that it can receive texts."""

    e164: str | None
    valid: bool
    region: str | None

    @classmethod
    def of(cls, number: str | None) -> NumberFacts | None:
        """The facts of `number` as typed (None when there is no number); see `petcare_kit.phone_numbers.check`."""
        if not number:
            return None
        facts = phone_numbers.check(number)
        return cls(e164=facts.e164, valid=facts.valid, region=facts.region)

    @property
    def in_usa_or_canada(self) -> bool:
        """R-DELIV-5: the USA (its +1 territories included: PR, VI, GU, AS, MP) or Canada."""
        return phone_numbers.textable_region(self.region)


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


def pick_mobile(phones: Sequence[Mapping[str, Any]], custom_fields: Mapping[str, Any],
                mobile_field: str | None = None) -> str | None:
    """The number to text: the custom field the company named as the mobile one (R-TEXT-4) when it
    holds something, else the first phone labelled mobile; see `petcare_kit.phone_numbers.mobile_number`."""
    return phone_numbers.mobile_number(phones, custom_fields, mobile_field)
