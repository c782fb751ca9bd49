"""Contact details as a business enters them, normalised the one way every service can rely on."""

from __future__ import annotations

import phonenumbers
from petcare_contracts.events.common import Phone, PhoneLabel

DEFAULT_REGION = "US"
"""Numbers typed without a country code are read as North American (the businesses we serve)."""


def normalise_phone(label: PhoneLabel, number: str) -> Phone:
    """Keep what was typed; add the E.164 form when the number parses as a possible number."""
    e164 = None
    try:
        parsed = phonenumbers.parse(number, DEFAULT_REGION)
        if phonenumbers.is_possible_number(parsed):
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return Phone(label=label, number=number.strip(), e164=e164)


def normalise_emails(emails: list[str]) -> list[str]:
    """Lower-cased, first occurrence kept: the first email is the one the portal uses."""
    return list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
