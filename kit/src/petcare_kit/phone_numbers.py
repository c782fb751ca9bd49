"""Phone-number facts, decided once for every service (R-TEXT-4, R-TEXT-11, R-DELIV-5, R-TEXT-8).

Pure: no I/O, no framework. Numbering knowledge comes from `phonenumbers` (Google's libphonenumber
metadata); what this product adds on top is which numbers it may text and which of a person's numbers
is their mobile number.

- "Valid" means the number conforms to its country's numbering plan; it is not a promise that the
  number can receive texts (R-TEXT-11).
- Texting reaches the USA and Canada only (R-DELIV-5). The USA includes its territories that share
  country code +1 (Puerto Rico, the US Virgin Islands, Guam, American Samoa, the Northern Mariana
  Islands): libphonenumber gives each its own region code, so "region" and "country" differ there.
  The other +1 regions (Jamaica, the Bahamas, Bermuda...) are independent countries or territories
  of other states and are not texted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

DEFAULT_REGION = "US"
"""A number typed without its country code is read as North American (the businesses we serve)."""

TEXTABLE_COUNTRIES = frozenset({"US", "CA"})
"""R-DELIV-5: the countries whose numbers may be texted."""

US_REGIONS_ON_PLUS_ONE = frozenset({"US", "PR", "VI", "GU", "AS", "MP"})
"""Every region of the North American Numbering Plan (+1) that belongs to the USA: the states and the
inhabited territories. libphonenumber lists each territory as its own region; R-DELIV-5 counts them
all as the USA. `NANP_REGIONS_ELSEWHERE` holds the rest, and a test fails when libphonenumber adds a
+1 region that is in neither set, so that a new one is classified on purpose, not by accident."""

NANP_REGIONS_ELSEWHERE = frozenset({
    "CA",  # Canada: textable, but its own country
    "AG", "AI", "BB", "BM", "BS", "DM", "DO", "GD", "JM", "KN", "KY", "LC", "MS", "SX", "TC", "TT",
    "VC", "VG",
})
"""+1 regions that are not the USA: Canada, and the Caribbean and Atlantic countries and British
and Dutch territories that share the plan."""

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


def country_of(region: str | None) -> str | None:
    """The country a number of `region` (ISO 3166 alpha-2, as libphonenumber names it) belongs to for
    R-DELIV-5: "US" for a US territory on +1 ("PR" -> "US"), else the region itself; None stays None."""
    if region in US_REGIONS_ON_PLUS_ONE:
        return "US"
    return region


def textable_region(region: str | None) -> bool:
    """Whether a number of `region` may be texted (R-DELIV-5): the USA with its +1 territories, and Canada."""
    return country_of(region) in TEXTABLE_COUNTRIES


@dataclass(frozen=True)
class PhoneFacts:
    """A number as this product sees it (R-TEXT-11, R-DELIV-5).

    `e164` is "+<digits>" and set only when the number is valid; `region` is libphonenumber's region
    of the number ("PR" for Puerto Rico), `textable` whether R-DELIV-5 lets us text it, and `reason`
    why not (None when it is textable): the words R-TEXT-11 shows staff."""

    e164: str | None
    valid: bool
    region: str | None
    textable: bool
    reason: str | None

    @property
    def country(self) -> str | None:
        """The country the number belongs to: "US" for the USA and its +1 territories."""
        return country_of(self.region)


def check(raw: str | None, default_region: str = DEFAULT_REGION) -> PhoneFacts:
    """Read `raw` as typed by a person ("(787) 234-5678", "+1 876 927 1234", "020 7946 0958"...) and
    say whether it is a valid number and one we may text (R-TEXT-11, R-DELIV-5).

    A number without a country code is read as a number of `default_region`. Never raises: an
    unreadable or empty input gives valid=False with the reason."""
    if not raw or not raw.strip():
        return PhoneFacts(None, False, None, False, "no number")
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except NumberParseException as error:
        return PhoneFacts(None, False, None, False, _WHY_UNREADABLE.get(error.error_type, "not a phone number"))
    if not phonenumbers.is_valid_number(parsed):
        why = _WHY_INVALID.get(phonenumbers.is_possible_number_with_reason(parsed),
                               "not a valid number: no such number in its numbering plan")
        return PhoneFacts(None, False, None, False, why)
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    region = phonenumbers.region_code_for_number(parsed)
    if not textable_region(region):
        return PhoneFacts(e164, True, region, False, f"outside the USA and Canada ({region})")
    return PhoneFacts(e164, True, region, True, None)


def normalise(raw: str | None, default_region: str = DEFAULT_REGION) -> str | None:
    """The E.164 form used to match numbers written differently ("416.979.2000" and "+14169792000"),
    e.g. an inbound `From` against stored numbers (R-TEXT-8); None when it is no possible number.

    Only *possible* (right length for its country) is required, not valid: a number from a newly
    opened range that our numbering metadata does not know yet must still find its owner. A local
    number without its area code (7 digits) is not possible: it never arrives as a Twilio sender."""
    if not raw or not raw.strip():
        return None
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(parsed) != ValidationResult.IS_POSSIBLE:
        return None
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


MOBILE_LABEL = "mobile"
"""The phone label that marks a person's mobile number when no custom field names it (R-TEXT-4)."""


def mobile_number(phones: Sequence[Mapping[str, Any]], custom_fields: Mapping[str, Any],
                  mobile_field: str | None = None) -> str | None:
    """Which of a person's numbers is their mobile number, as written (R-TEXT-4), or None.

    `phones` are a person's phones as clients publishes them ({"label", "number", "e164"}), in their
    order; `custom_fields` maps a custom field's name to its value; `mobile_field` is the company's
    "client phone number field" setting. The named custom field wins when it holds something (blank
    counts as nothing); else the first phone labelled "mobile" (its E.164 form when clients had one).
    Whether the chosen number is valid or textable is `check`'s job, not this function's: a wrong
    number in the named field is reported as such rather than silently replaced by another one."""
    if mobile_field:
        value = custom_fields.get(mobile_field)
        if isinstance(value, str) and value.strip():
            return value.strip()
    for phone in phones:
        if phone.get("label") == MOBILE_LABEL:
            number = phone.get("e164") or phone.get("number")
            if number:
                return str(number)
    return None
