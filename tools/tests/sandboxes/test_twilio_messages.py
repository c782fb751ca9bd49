"""Sending texts with the real Twilio SDK against the sandbox: answers, refusals, status callbacks."""

from __future__ import annotations

import httpx
import pytest
from petcare_tools.sandboxes.webhook_receiver import WebhookReceiver
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.rest.api.v2010.account.message import MessageInstance

CLIENT_PHONE = "+14155550142"
WAIT = 60.0
"""Seconds to wait for the sandbox's webhooks: generous for a loaded machine (the default is 5)."""


def test_a_sent_sms_is_queued_fetchable_listed_and_in_the_phone_log(
    twilio_client: Client, company_number: str, twilio_sandbox: httpx.Client
) -> None:
    message = twilio_client.messages.create(
        to=CLIENT_PHONE, from_=company_number, body="Rex was a good boy today!"
    )

    assert isinstance(message, MessageInstance)
    assert message.status == "queued"
    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert (message.to, message.from_, message.body) == (
        CLIENT_PHONE,
        company_number,
        "Rex was a good boy today!",
    )
    assert (message.num_segments, message.num_media, message.price, message.error_code) == (
        "1",
        "0",
        None,
        None,
    )
    assert message.date_created is not None and message.direction == "outbound-api"
    assert message.uri == f"/2010-04-01/Accounts/{twilio_client.account_sid}/Messages/{message.sid}.json"
    assert twilio_client.messages(message.sid).fetch().body == "Rex was a good boy today!"
    assert [m.sid for m in twilio_client.messages.list(to=CLIENT_PHONE)] == [message.sid]
    logged = twilio_sandbox.get("/sandbox/messages", params={"to": CLIENT_PHONE}).json()
    assert [(m["sid"], m["from"], m["body"]) for m in logged] == [(message.sid, company_number, message.body)]
    assert "Rex was a good boy today!" in twilio_sandbox.get("/sandbox/").text


def test_a_picture_message_is_an_mms(twilio_client: Client, company_number: str) -> None:
    message = twilio_client.messages.create(
        to=CLIENT_PHONE,
        from_=company_number,
        media_url=["https://example.com/rex.jpg", "https://example.com/b.png"],
    )
    assert message.sid.startswith("MM") and message.num_media == "2"


@pytest.mark.parametrize(
    ("body", "segments"),
    [("a" * 160, "1"), ("a" * 161, "2"), ("😀" + "a" * 68, "1"), ("😀" + "a" * 69, "2")],
    ids=["160 GSM-7", "161 GSM-7", "70 UCS-2 units", "71 UCS-2 units"],
)
def test_a_long_text_is_counted_in_segments_as_twilio_bills_it(
    twilio_client: Client, company_number: str, body: str, segments: str
) -> None:
    assert (
        twilio_client.messages.create(to=CLIENT_PHONE, from_=company_number, body=body).num_segments
        == segments
    )


def test_status_callbacks_say_sent_then_delivered_signed_for_the_account(
    twilio_client: Client, company_number: str, receiver: WebhookReceiver
) -> None:
    message = twilio_client.messages.create(
        to=CLIENT_PHONE, from_=company_number, body="On our way", status_callback=receiver.url("/status")
    )

    callbacks = receiver.wait_for(2, "/status", timeout=WAIT)
    assert [c.form["MessageStatus"] for c in callbacks] == ["sent", "delivered"]
    for callback in callbacks:
        assert callback.form["MessageSid"] == message.sid
        assert (callback.form["From"], callback.form["To"]) == (company_number, CLIENT_PHONE)
        assert callback.form["AccountSid"] == twilio_client.account_sid and "ErrorCode" not in callback.form
        assert RequestValidator(twilio_client.password).validate(
            callback.url, callback.form, callback.signature
        )
        assert not RequestValidator("some-other-token").validate(
            callback.url, callback.form, callback.signature
        )
    assert twilio_client.messages(message.sid).fetch().status == "delivered"


def test_a_status_callback_is_retried_until_the_webhook_answers_2xx(
    twilio_client: Client, company_number: str, receiver: WebhookReceiver
) -> None:
    receiver.answer_first("/flaky", [500, 503])
    twilio_client.messages.create(
        to=CLIENT_PHONE, from_=company_number, body="Hi", status_callback=receiver.url("/flaky")
    )

    callbacks = receiver.wait_for(4, "/flaky", timeout=WAIT)
    assert [c.form["MessageStatus"] for c in callbacks] == ["sent", "sent", "sent", "delivered"]


def test_callbacks_are_signed_with_the_token_set_through_the_admin_api(
    twilio_client: Client, company_number: str, receiver: WebhookReceiver, twilio_sandbox: httpx.Client
) -> None:
    twilio_sandbox.put(
        f"/sandbox/accounts/{twilio_client.account_sid}/auth-token", json={"auth_token": "rotated"}
    )
    twilio_client.messages.create(
        to=CLIENT_PHONE, from_=company_number, body="Hi", status_callback=receiver.url("/s")
    )

    (callback,) = receiver.wait_for(1, "/s", timeout=WAIT)
    assert RequestValidator("rotated").validate(callback.url, callback.form, callback.signature)
    assert not RequestValidator(twilio_client.password).validate(
        callback.url, callback.form, callback.signature
    )


def test_an_injected_carrier_failure_ends_undelivered_with_its_error_code_once(
    twilio_client: Client, company_number: str, receiver: WebhookReceiver, twilio_sandbox: httpx.Client
) -> None:
    twilio_sandbox.post(
        "/sandbox/failures", json={"to": CLIENT_PHONE, "outcome": "undelivered"}
    ).raise_for_status()
    failing = twilio_client.messages.create(
        to=CLIENT_PHONE, from_=company_number, body="1", status_callback=receiver.url("/first")
    )
    twilio_client.messages.create(
        to=CLIENT_PHONE, from_=company_number, body="2", status_callback=receiver.url("/next")
    )

    first = receiver.wait_for(2, "/first", timeout=WAIT)
    assert [(c.form["MessageStatus"], c.form.get("ErrorCode")) for c in first] == [
        ("sent", None),
        ("undelivered", "30003"),
    ]
    assert [c.form["MessageStatus"] for c in receiver.wait_for(2, "/next", timeout=WAIT)] == ["sent", "delivered"]
    fetched = twilio_client.messages(failing.sid).fetch()
    assert (fetched.status, fetched.error_code) == ("undelivered", 30003)


def test_an_injected_rejection_makes_the_sdk_raise_then_the_next_send_passes(
    twilio_client: Client, company_number: str, twilio_sandbox: httpx.Client
) -> None:
    twilio_sandbox.post(
        "/sandbox/failures", json={"outcome": "rejected", "error_code": 20429}
    ).raise_for_status()
    with pytest.raises(TwilioRestException) as refused:
        twilio_client.messages.create(to=CLIENT_PHONE, from_=company_number, body="Hi")
    assert (refused.value.status, refused.value.code) == (429, 20429)
    assert twilio_client.messages.create(to=CLIENT_PHONE, from_=company_number, body="Hi").status == "queued"


def test_texting_a_number_that_sent_stop_raises_21610_until_it_sends_start(
    twilio_client: Client, company_number: str, twilio_sandbox: httpx.Client
) -> None:
    twilio_sandbox.post(
        "/sandbox/inbound", json={"from": CLIENT_PHONE, "to": company_number, "body": " stop "}
    )
    with pytest.raises(TwilioRestException) as refused:
        twilio_client.messages.create(to=CLIENT_PHONE, from_=company_number, body="Reminder")
    assert (refused.value.status, refused.value.code) == (400, 21610)

    twilio_sandbox.post(
        "/sandbox/inbound", json={"from": CLIENT_PHONE, "to": company_number, "body": "START"}
    )
    assert (
        twilio_client.messages.create(to=CLIENT_PHONE, from_=company_number, body="Reminder").status
        == "queued"
    )


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"to": "+1415555"}, 21211),
        ({"to": CLIENT_PHONE, "from_": "+14155550199"}, 21606),
        ({"to": CLIENT_PHONE, "media_url": [f"https://example.com/{i}.jpg" for i in range(11)]}, 21623),
        ({"to": CLIENT_PHONE, "body": ""}, 21602),
        ({"to": CLIENT_PHONE, "body": "a" * 1601}, 21617),
        ({"to": CLIENT_PHONE, "status_callback": "texting/status"}, 21609),
    ],
    ids=["invalid To", "From not owned", "11 media", "no body", "body over 1600", "relative StatusCallback"],
)
def test_refusals_carry_twilio_error_codes(
    twilio_client: Client, company_number: str, arguments: dict[str, object], code: int
) -> None:
    with pytest.raises(TwilioRestException) as refused:
        twilio_client.messages.create(**{"from_": company_number, "body": "Hi", **arguments})
    assert (refused.value.status, refused.value.code) == (400, code)


def test_an_unknown_message_is_a_twilio_20404(twilio_client: Client) -> None:
    with pytest.raises(TwilioRestException) as missing:
        twilio_client.messages("SM" + "0" * 32).fetch()
    assert (missing.value.status, missing.value.code) == (404, 20404)


def test_the_api_refuses_calls_without_credentials(
    twilio_sandbox: httpx.Client, twilio_client: Client
) -> None:
    answer = twilio_sandbox.get(f"/api/2010-04-01/Accounts/{twilio_client.account_sid}/Messages.json")
    assert answer.status_code == 401 and answer.json()["code"] == 20003


def test_long_lists_are_paged_and_the_sdk_follows_the_pages(
    twilio_client: Client, company_number: str
) -> None:
    sent = [
        twilio_client.messages.create(to=CLIENT_PHONE, from_=company_number, body=str(i)).sid
        for i in range(5)
    ]
    listed = twilio_client.messages.list(page_size=2)
    assert [m.sid for m in listed] == list(reversed(sent)), "all pages, newest first"
    first_page = twilio_client.messages.page(page_size=2)
    assert len(list(first_page)) == 2
    assert first_page.next_page_url.startswith("https://api.twilio.com/2010-04-01/Accounts/"), (
        "Twilio's own links"
    )
