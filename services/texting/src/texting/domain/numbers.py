"""Phone numbers: may we text it, and whose is it (R-TEXT-11, R-DELIV-5, R-TEXT-8), and number search
inputs (R-TEXT-2).

The number facts themselves (valid, region, textable, E.164) are decided once, in
`petcare_kit.phone_numbers`, for texting and notifications alike; the names here are kept for the
code that imports them. "Valid" means the number conforms to telecom numbering plans; it is not a
promise that the number can receive texts. Only the USA (with its +1 territories) and Canada are texted.
"""

from __future__ import annotations

import re

from petcare_kit.phone_numbers import TEXTABLE_COUNTRIES, PhoneFacts, check, normalise

TEXTABLE_REGIONS = TEXTABLE_COUNTRIES
"""R-DELIV-5: the countries texted (the USA counts its +1 territories: see `petcare_kit.phone_numbers`)."""

NumberValidity = PhoneFacts
"""What R-TEXT-11 shows per person: (e164, valid, region, textable, reason)."""


def check_number(raw: str, default_region: str = "US") -> PhoneFacts:
    """Whether `raw` is a valid number and one we may text (R-TEXT-11, R-DELIV-5); see
    `petcare_kit.phone_numbers.check`. A number without a country code is read as one of `default_region`."""
    return check(raw, default_region)


__all__ = ["TEXTABLE_REGIONS", "NumberValidity", "area_code_ok", "check_number", "normalise", "search_pattern_ok"]


_PATTERN = re.compile(r"[0-9A-Za-z*%]{2,16}")
_AREA_CODE = re.compile(r"[2-9][0-9][0-9]")


def search_pattern_ok(contains: str) -> bool:
    """Whether Twilio accepts `contains` for a number search (R-TEXT-2): 2-16 characters of digits,
    letters (vanity numbers, 1-800-FLOWERS style), `*` (any one digit) and `%` (any run), with at
    least one digit or letter, since a pattern of wildcards alone matches every number."""
    return bool(_PATTERN.fullmatch(contains)) and any(ch.isalnum() for ch in contains)


def area_code_ok(code: str) -> bool:
    """A North American area code (R-TEXT-2): three digits, the first 2-9; N11 codes (211, 411,
    911...) are service codes, not areas, so they are refused."""
    return bool(_AREA_CODE.fullmatch(code)) and code[1:] != "11"
