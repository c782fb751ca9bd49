"""Searching, buying, updating and releasing numbers with the real Twilio SDK (R-TEXT-2)."""

from __future__ import annotations

import json
import re

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client


def test_searching_by_area_code_and_letters_finds_matching_numbers_the_same_each_time(
    twilio_client: Client,
) -> None:
    search = twilio_client.available_phone_numbers("US").local
    found = search.list(area_code="415", contains="PETS", sms_enabled=True, mms_enabled=True, limit=5)

    assert len(found) == 5
    for number in found:
        assert number.phone_number.startswith("+1415") and "7387" in number.phone_number[2:]  # P-E-T-S
        assert number.capabilities["SMS"] and number.iso_country == "US" and number.region == "CA"
        assert number.friendly_name == f"(415) {number.phone_number[5:8]}-{number.phone_number[8:]}"
    again = search.list(area_code="415", contains="PETS", limit=5)
    assert [n.phone_number for n in again] == [n.phone_number for n in found]


@pytest.mark.parametrize(
    ("contains", "pattern"),
    [("55*1", r"55\d1"), ("12%9", r"12\d*9"), ("+1212555****", r"^\+1212555\d{4}$")],
    ids=["star is one digit", "percent is any digits", "leading plus anchors"],
)
def test_wildcards_in_contains(twilio_client: Client, contains: str, pattern: str) -> None:
    found = twilio_client.available_phone_numbers("US").local.list(contains=contains, limit=10)
    assert len(found) == 10
    for number in found:
        target = number.phone_number if pattern.startswith("^") else number.phone_number[2:]
        assert re.search(pattern, target), number.phone_number


def test_canada_has_numbers_too(twilio_client: Client) -> None:
    found = twilio_client.available_phone_numbers("CA").local.list(area_code="604", limit=3)
    assert [(n.phone_number[:5], n.iso_country, n.locality) for n in found] == [
        ("+1604", "CA", "Vancouver")
    ] * 3


def test_a_bought_number_can_be_listed_updated_and_released(twilio_client: Client) -> None:
    (available,) = twilio_client.available_phone_numbers("US").local.list(area_code="512", limit=1)
    bought = twilio_client.incoming_phone_numbers.create(
        phone_number=available.phone_number, sms_url="http://127.0.0.1:9/sms", friendly_name="Happy Paws"
    )
    assert bought.sid.startswith("PN") and len(bought.sid) == 34
    assert (bought.phone_number, bought.sms_url, bought.sms_method, bought.friendly_name) == (
        available.phone_number,
        "http://127.0.0.1:9/sms",
        "POST",
        "Happy Paws",
    )
    assert [n.sid for n in twilio_client.incoming_phone_numbers.list()] == [bought.sid]
    again = twilio_client.available_phone_numbers("US").local.list(area_code="512", limit=1)
    assert again[0].phone_number != available.phone_number, "a bought number is no longer offered"

    twilio_client.incoming_phone_numbers(bought.sid).update(sms_url="http://127.0.0.1:9/texts")
    assert twilio_client.incoming_phone_numbers(bought.sid).fetch().sms_url == "http://127.0.0.1:9/texts"

    assert twilio_client.incoming_phone_numbers(bought.sid).delete() is True
    with pytest.raises(TwilioRestException) as gone:
        twilio_client.incoming_phone_numbers(bought.sid).fetch()
    assert gone.value.code == 20404
    with pytest.raises(TwilioRestException) as refused:
        twilio_client.messages.create(to="+14155550142", from_=available.phone_number, body="Hi")
    assert refused.value.code == 21606


def test_a_number_can_be_bought_by_area_code_only(twilio_client: Client) -> None:
    bought = twilio_client.incoming_phone_numbers.create(area_code="206")
    assert bought.phone_number.startswith("+1206")


def test_a_number_already_taken_cannot_be_bought(twilio_client: Client, company_number: str) -> None:
    with pytest.raises(TwilioRestException) as refused:
        twilio_client.incoming_phone_numbers.create(phone_number=company_number)
    assert (refused.value.status, refused.value.code) == (400, 21422)


def test_an_invalid_contains_pattern_is_refused(twilio_client: Client) -> None:
    # The SDK raises a bare TwilioException (not TwilioRestException) when a list page is refused;
    # Twilio's error is in the response it carries.
    with pytest.raises(TwilioException) as refused:
        twilio_client.available_phone_numbers("US").local.list(contains="1")
    _, response = refused.value.args
    assert response.status_code == 400 and json.loads(response.text)["code"] == 20001
