"""Deterministic fake numbers for `AvailablePhoneNumbers/{US,CA}/Local.json`.

The same search answers the same numbers (minus those bought since), so a test can search, pick
one and buy it. Numbers are built from the `Contains` pattern instead of filtered from a list, so a
pattern always finds numbers unless it contradicts the area code or the North American plan.
`Contains`: 2–16 characters; digits, letters (phone keypad), `*` one digit, `%` any digits;
a leading `+` anchors it to the start of the E.164 number, otherwise it matches anywhere.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

AREA_CODES = {
    "US": {
        "415": ("San Francisco", "CA"),
        "212": ("New York", "NY"),
        "312": ("Chicago", "IL"),
        "512": ("Austin", "TX"),
        "206": ("Seattle", "WA"),
        "303": ("Denver", "CO"),
    },
    "CA": {
        "604": ("Vancouver", "BC"),
        "416": ("Toronto", "ON"),
        "514": ("Montreal", "QC"),
        "403": ("Calgary", "AB"),
    },
}
KEYPAD = {
    letter: digit
    for digit, letters in {
        "2": "ABC",
        "3": "DEF",
        "4": "GHI",
        "5": "JKL",
        "6": "MNO",
        "7": "PQRS",
        "8": "TUV",
        "9": "WXYZ",
    }.items()
    for letter in letters
}
_KEYPAD_TABLE = str.maketrans("".join(KEYPAD), "".join(KEYPAD.values()))
CONTAINS_SYNTAX = re.compile(r"^\+?[0-9A-Za-z*%]{2,16}$")
ATTEMPTS_PER_RESULT = 40


class InvalidSearch(ValueError):
    pass


@dataclass(frozen=True)
class AvailableNumber:
    phone_number: str
    iso_country: str
    locality: str | None
    region: str | None

    @property
    def friendly_name(self) -> str:
        return national_format(self.phone_number)


def national_format(e164: str) -> str:
    """`+14155550123` → `(415) 555-0123`, the friendly name Twilio gives a North American number."""
    national = e164[2:]
    return f"({national[:3]}) {national[3:6]}-{national[6:]}"


def search_numbers(
    country: str, area_code: str | None, contains: str | None, limit: int, taken: Collection[str]
) -> list[AvailableNumber]:
    """Up to `limit` numbers of `country` (US or CA) matching the search and not in `taken`."""
    places = AREA_CODES[country]
    if area_code is not None and not re.fullmatch(r"[2-9]\d\d", area_code):
        raise InvalidSearch(f"AreaCode {area_code!r} is not a three-digit North American area code")
    if contains is not None and not CONTAINS_SYNTAX.match(contains):
        raise InvalidSearch(f"Contains {contains!r} must be 2 to 16 of 0-9, A-Z, '*' and '%'")
    pattern = (contains or "").upper().translate(_KEYPAD_TABLE)
    matcher = _matcher(pattern)
    rng = random.Random(f"{country}|{area_code}|{contains}")
    found: dict[str, AvailableNumber] = {}
    for _ in range(limit * ATTEMPTS_PER_RESULT):
        if len(found) >= limit:
            break
        npa = area_code or rng.choice(sorted(places))
        digits = _imprint(_random_national(rng, npa), pattern, rng)
        if digits is None or not digits.startswith(npa) or not _is_nanp(digits):
            continue
        e164 = f"+1{digits}"
        if matcher(e164) and e164 not in taken:
            locality, region = places.get(npa, (None, None))
            found[e164] = AvailableNumber(e164, country, locality, region)
    return list(found.values())


def _random_national(rng: random.Random, npa: str) -> str:
    return npa + str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(6))


def _imprint(digits: str, pattern: str, rng: random.Random) -> str | None:
    """Write the pattern's literal digits into the 10 national digits, at a random place."""
    if not pattern:
        return digits
    anchored = pattern.startswith("+")
    if anchored:
        if not pattern.startswith("+1"):
            return None
        pattern = pattern[2:]
    tokens = "".join("*" * rng.randint(0, 2) if t == "%" else t for t in pattern)
    if len(tokens) > len(digits):
        return None
    offset = 0 if anchored else rng.randint(0, len(digits) - len(tokens))
    chars = list(digits)
    for index, token in enumerate(tokens):
        if token != "*":
            chars[offset + index] = token
    return "".join(chars)


def _matcher(pattern: str) -> Callable[[str], bool]:
    """Whether an E.164 number matches the (keypad-translated) pattern."""
    regex = re.compile("".join({"*": r"\d", "%": r"\d*", "+": r"\+"}.get(t, t) for t in pattern))
    if pattern.startswith("+"):
        return lambda e164: regex.match(e164) is not None
    return lambda e164: regex.search(e164[2:]) is not None


def _is_nanp(digits: str) -> bool:
    """Area code and exchange both start with 2-9 (North American Numbering Plan)."""
    return len(digits) == 10 and digits[0] in "23456789" and digits[3] in "23456789"
