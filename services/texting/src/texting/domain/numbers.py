"""Phone numbers: may we text it, and whose is it (R-TEXT-11, R-DELIV-5, R-TEXT-8, R-TEXT-2).

"Valid" means the number conforms to telecom numbering plans (libphonenumber's metadata); it is
not a promise that the number can receive texts. Only numbers of the USA and Canada are texted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

TEXTABLE_REGIONS = frozenset({"US", "CA"})
"""R-DELIV-5: a number outside the USA and Canada is never texted."""

_WHY_INVALID = {
    ValidationResult.INVALID_COUNTRY_CODE: "not a valid number: unknown country code",
    ValidationResult.TOO_SHORT: "not a valid number: too short",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "not a valid number: a local number without its area code",
    ValidationResult.TOO_LONG: "not a valid number: too long",
    ValidationResult.INVALID_LENGTH: "not a valid number: wrong number of digits",
}
_WHY_UNREADABLE = {
    NumberParseException.INVALID_COUNTRY_CODE: "not a valid number: unknown country code",
    NumberParseException.TOO_SHORT_NSN: "not a valid number: too short",
    NumberParseException.TOO_SHORT_AFTER_IDD: "not a valid number: too short",
    NumberParseException.TOO_LONG: "not a valid number: too long",
}


@dataclass(frozen=True)
class NumberValidity:
    """What R-TEXT-11 shows per person; `reason` says why the number cannot be texted (None if it can)."""

    e164: str | None
    valid: bool
    region: str | None
    textable: bool
    reason: str | None


def check_number(raw: str, default_region: str = "US") -> NumberValidity:
    """Whether `raw` is a valid number and one we may text (R-TEXT-11, R-DELIV-5).

    A number without a country code is read as a number of `default_region`."""
    if not raw or not raw.strip():
        return NumberValidity(None, False, None, False, "no number")
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except NumberParseException as error:
        why = _WHY_UNREADABLE.get(error.error_type, "not a phone number")
        return NumberValidity(None, False, None, False, why)
    if not phonenumbers.is_valid_number(parsed):
        why = _WHY_INVALID.get(phonenumbers.is_possible_number_with_reason(parsed),
                               "not a valid number: no such number in its numbering plan")
        return NumberValidity(None, False, None, False, why)
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    region = phonenumbers.region_code_for_number(parsed)
    if region not in TEXTABLE_REGIONS:
        return NumberValidity(e164, True, region, False, f"outside the USA and Canada ({region})")
    return NumberValidity(e164, True, region, True, None)


def normalise(raw: str, default_region: str = "US") -> str | None:
    """The E.164 form used to match an inbound `From` against stored numbers (R-TEXT-8), or None.

    Only *possible* (right length for its country) is required, not valid: a number from a newly
    opened range that our numbering metadata does not know yet must still find its owner."""
    if not raw or not raw.strip():
        return None
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(parsed) != ValidationResult.IS_POSSIBLE:
        return None  # a local-only (7-digit) number never arrives as a Twilio sender
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


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
