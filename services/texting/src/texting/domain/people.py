"""The clients and staff texting knows (a read model of clients.events), and whose text came in
(R-TEXT-8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from petcare_kit.phone_numbers import normalise

from texting.domain.recipients import mobile_number

PersonKind = Literal["client", "staff"]


@dataclass(frozen=True)
class Person:
    """A client or staff member: `phones` as published by clients (label, number, e164),
    `numbers` every E.164 number they could text from."""

    person_id: UUID
    company_id: UUID
    kind: PersonKind
    name: str
    phones: list[dict[str, Any]] = field(default_factory=list)
    custom_fields: dict[str, str] = field(default_factory=dict)
    active: bool = True
    numbers: list[str] = field(default_factory=list)

    def mobile(self, mobile_field: str | None) -> str | None:
        """R-TEXT-4: the number to text, per the company's mobile field setting."""
        number: str | None = mobile_number(self.phones, self.custom_fields, mobile_field)
        return number


def sender_of(candidates: list[Person]) -> Person | None:
    """R-TEXT-8: the person an inbound text is from, only when exactly one active person has that
    number. A number shared by several people (a household phone, a client who is also staff) is
    not guessed: None, and the text goes to Unassigned Messages naming them."""
    active = [person for person in candidates if person.active]
    return active[0] if len(active) == 1 else None


def numbers_of(phones: list[dict[str, Any]], custom_fields: dict[str, str]) -> list[str]:
    """R-TEXT-8: every E.164 number a text from this person could come from, sorted: their phones
    and any custom field holding a number (the company may name any custom field as the mobile one,
    R-TEXT-4, at any time). Values that are no possible number are left out."""
    raw = [p.get("e164") or p.get("number") for p in phones] + list(custom_fields.values())
    return sorted({number for number in (normalise(r) for r in raw if isinstance(r, str) and r) if number})
