"""R-TEXT-11: a number's validity (conforms to numbering plans) and whether we may text it (USA and
Canada only, R-DELIV-5); matching inbound senders (R-TEXT-8); number search inputs (R-TEXT-2)."""

from __future__ import annotations

import pytest
from texting.domain.numbers import NumberValidity, area_code_ok, check_number, normalise, search_pattern_ok


def test_r_text_11_a_canadian_number_is_valid_and_textable():
    assert check_number("(416) 979-2000") == NumberValidity("+14169792000", True, "CA", True, None)


def test_r_text_11_a_us_number_in_any_format_is_valid_and_textable():
    for written in ("+1 212-555-0142", "212.555.0142", "(212) 555 0142", "+12125550142"):
        assert check_number(written) == NumberValidity("+12125550142", True, "US", True, None)


def test_r_text_11_a_uk_number_is_valid_but_not_textable_and_says_why():
    validity = check_number("+44 20 7946 0958")
    assert validity.valid and validity.e164 == "+442079460958" and validity.region == "GB"
    assert not validity.textable and validity.reason == "outside the USA and Canada (GB)"


def test_r_text_11_a_caribbean_number_sharing_country_code_1_is_not_textable():
    validity = check_number("+1 876 927 1234")
    assert validity.valid and validity.region == "JM" and not validity.textable


@pytest.mark.parametrize(("written", "region"), [("+1 787 234 5678", "PR"), ("+1 340 642 1234", "VI"),
                                                 ("+1 671 300 1234", "GU"), ("+1 684 733 1234", "AS"),
                                                 ("+1 670 234 5678", "MP")])
def test_r_deliv_5_a_us_territory_mobile_on_plus_one_is_the_usa_and_textable(written: str, region: str):
    """Issue 9 item 10: a Puerto Rico mobile was refused as "outside the USA and Canada (PR)"."""
    validity = check_number(written)
    assert validity.valid and validity.textable and validity.reason is None
    assert validity.region == region and validity.country == "US"


def test_r_text_11_a_number_missing_its_area_code_is_invalid():
    validity = check_number("+1 555 0100")
    reason = "not a valid number: a local number without its area code"
    assert validity == NumberValidity(None, False, None, False, reason)


@pytest.mark.parametrize(("written", "reason"), [
    ("", "no number"),
    ("call me", "not a phone number"),
    ("+1 212 555 01421", "not a valid number: too long"),
    ("+999 1234567", "not a valid number: unknown country code"),
    ("+1 200 555 0100", "not a valid number: no such number in its numbering plan"),
])
def test_r_text_11_an_invalid_number_says_why(written: str, reason: str):
    validity = check_number(written)
    assert not validity.valid and not validity.textable and validity.e164 is None
    assert validity.reason == reason


def test_r_text_11_a_default_region_reads_numbers_without_country_code():
    assert check_number("020 7946 0958", default_region="GB").e164 == "+442079460958"


def test_r_text_8_an_inbound_sender_matches_the_stored_number_however_it_was_written():
    stored = ["(416) 979-2000", "416.979.2000", "1-416-979-2000", "+1 416 979 2000"]
    assert {normalise(number) for number in stored} == {normalise("+14169792000")} == {"+14169792000"}
    assert normalise("+442079460958") == "+442079460958"


@pytest.mark.parametrize("sender", ["", "TWILIO", "12345", "555 0100"])
def test_r_text_8_short_codes_names_and_local_numbers_match_nobody(sender: str):
    assert normalise(sender) is None


@pytest.mark.parametrize("pattern", ["55", "555", "STORE", "5*5", "%PETS%", "1234567890123456"])
def test_r_text_2_contains_patterns_twilio_accepts(pattern: str):
    assert search_pattern_ok(pattern)


@pytest.mark.parametrize("pattern", ["5", "12345678901234567", "555-0100", "55 5", "**", "%", "٥٥٥", "é5",
                                     ""], ids=repr)
def test_r_text_2_contains_patterns_twilio_refuses(pattern: str):
    assert not search_pattern_ok(pattern)


@pytest.mark.parametrize(("code", "ok"), [("212", True), ("416", True), ("905", True), ("112", False),
                                          ("012", False), ("911", False), ("21", False), ("2125", False),
                                          ("٢١٢", False), ("abc", False)])
def test_r_text_2_area_codes_are_three_digits_starting_2_to_9(code: str, ok: bool):
    assert area_code_ok(code) is ok
