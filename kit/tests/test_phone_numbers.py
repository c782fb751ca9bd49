"""The one owner of phone-number facts: valid or not (R-TEXT-11), textable or not (R-DELIV-5: the USA
with its +1 territories, and Canada), matching forms (R-TEXT-8), and which number is a person's mobile
(R-TEXT-4)."""

from __future__ import annotations

import phonenumbers
import pytest
from petcare_kit.phone_numbers import (
    NANP_REGIONS_ELSEWHERE,
    US_REGIONS_ON_PLUS_ONE,
    PhoneFacts,
    check,
    country_of,
    mobile_number,
    normalise,
    textable_region,
)

US_TERRITORY_MOBILES = {
    "PR": "(787) 234-5678",
    "VI": "+1 340 642 1234",
    "GU": "+1 (671) 300-1234",
    "AS": "1-684-733-1234",
    "MP": "+1 670.234.5678",
}


@pytest.mark.parametrize(("region", "written"), sorted(US_TERRITORY_MOBILES.items()))
def test_r_deliv_5_a_mobile_of_every_us_territory_on_plus_one_is_the_usa_and_textable(region: str, written: str):
    facts = check(written)
    assert facts.valid and facts.textable and facts.reason is None
    assert facts.region == region and facts.country == "US"
    assert facts.e164 == "+1" + "".join(ch for ch in written if ch.isdigit())[-10:]


def test_r_deliv_5_puerto_rico_on_its_second_area_code_too():
    assert check("+1 939 555 1234") == PhoneFacts("+19395551234", True, "PR", True, None)


def test_r_deliv_5_canada_and_the_states_are_textable():
    assert check("(416) 979-2000") == PhoneFacts("+14169792000", True, "CA", True, None)
    assert check("212.555.0142") == PhoneFacts("+12125550142", True, "US", True, None)


@pytest.mark.parametrize(("written", "region"), [
    ("+1 876 927 1234", "JM"),  # Jamaica shares +1 but is not the USA
    ("+1 242 359 1234", "BS"),  # the Bahamas
    ("+1 441 292 1234", "BM"),  # Bermuda, a British territory
    ("+1 809 234 5678", "DO"),  # the Dominican Republic
])
def test_r_deliv_5_a_caribbean_or_atlantic_plus_one_country_is_valid_but_not_textable(written: str, region: str):
    facts = check(written)
    assert facts.valid and facts.region == region and facts.country == region
    assert not facts.textable and facts.reason == f"outside the USA and Canada ({region})"


def test_r_deliv_5_a_number_outside_north_america_is_valid_but_not_textable():
    facts = check("+44 20 7946 0958")
    assert facts == PhoneFacts("+442079460958", True, "GB", False, "outside the USA and Canada (GB)")


def test_r_deliv_5_every_plus_one_region_is_classified_on_purpose():
    """When libphonenumber gains a +1 region, this fails until someone decides whether it is the USA."""
    assert set(phonenumbers.region_codes_for_country_code(1)) == US_REGIONS_ON_PLUS_ONE | NANP_REGIONS_ELSEWHERE
    assert not US_REGIONS_ON_PLUS_ONE & NANP_REGIONS_ELSEWHERE
    textable = {r for r in phonenumbers.region_codes_for_country_code(1) if textable_region(r)}
    assert textable == {"US", "PR", "VI", "GU", "AS", "MP", "CA"}
    assert country_of("PR") == "US" and country_of("JM") == "JM" and country_of(None) is None


@pytest.mark.parametrize(("written", "reason"), [
    ("", "no number"),
    ("   ", "no number"),
    (None, "no number"),
    ("call me", "not a phone number"),
    ("+1 555 0100", "not a valid number: a local number without its area code"),
    ("+1 212 555 01421", "not a valid number: too long"),
    ("+999 1234567", "not a valid number: unknown country code"),
    ("+1 200 555 0100", "not a valid number: no such number in its numbering plan"),
    ("+1 787 055 1234", "not a valid number: no such number in its numbering plan"),
])
def test_r_text_11_an_invalid_number_is_neither_valid_nor_textable_and_says_why(written: str | None, reason: str):
    assert check(written) == PhoneFacts(None, False, None, False, reason)


def test_r_text_11_a_default_region_reads_numbers_without_country_code():
    assert check("020 7946 0958", default_region="GB").e164 == "+442079460958"


def test_r_text_8_normalise_matches_a_number_however_it_was_written():
    stored = ["(787) 234-5678", "787.234.5678", "1-787-234-5678", "+1 787 234 5678"]
    assert {normalise(number) for number in stored} == {"+17872345678"}


@pytest.mark.parametrize("written", ["", None, "TWILIO", "12345", "555 0100"])
def test_r_text_8_normalise_refuses_what_is_no_possible_number(written: str | None):
    assert normalise(written) is None


PHONES = [{"label": "home", "number": "212 555 0100", "e164": "+12125550100"},
          {"label": "mobile", "number": "(787) 234-5678", "e164": "+17872345678"},
          {"label": "mobile", "number": "416 979 2000", "e164": "+14169792000"}]


def test_r_text_4_the_named_custom_field_is_the_mobile_number_when_it_holds_one():
    assert mobile_number(PHONES, {"Cell": " 416-979-2000 "}, "Cell") == "416-979-2000"


@pytest.mark.parametrize(("custom_fields", "mobile_field"), [
    ({"Cell": "   "}, "Cell"),  # the named field is blank
    ({}, "Cell"),  # the client has no such field
    ({"Cell": "416 979 2000"}, None),  # the company named no field
    ({"Cell": "416 979 2000"}, ""),
])
def test_r_text_4_otherwise_the_first_phone_labelled_mobile(custom_fields: dict[str, str], mobile_field: str | None):
    assert mobile_number(PHONES, custom_fields, mobile_field) == "+17872345678"


def test_r_text_4_a_mobile_without_e164_is_given_as_typed_and_no_mobile_means_none():
    assert mobile_number([{"label": "mobile", "number": "787 234 5678", "e164": None}], {}) == "787 234 5678"
    assert mobile_number(PHONES[:1], {}, "Cell") is None
    assert mobile_number([], {}) is None
