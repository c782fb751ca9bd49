"""A phone texting a company number: the sandbox posts it, signed, to the number's SmsUrl."""

from __future__ import annotations

import httpx
from petcare_tools.sandboxes.webhook_receiver import WebhookReceiver
from twilio.request_validator import RequestValidator
from twilio.rest import Client

CLIENT_PHONE = "+14155550142"
WAIT = 60.0
"""Seconds to wait for the sandbox's webhooks: generous for a loaded machine (the default is 5)."""


def test_an_inbound_text_reaches_the_sms_url_signed_with_its_media(
    twilio_client: Client, company_number: str, receiver: WebhookReceiver, twilio_sandbox: httpx.Client
) -> None:
    answer = twilio_sandbox.post(
        "/sandbox/inbound",
        json={
            "from": CLIENT_PHONE,
            "to": company_number,
            "body": "Is Rex ok?",
            "media_urls": ["https://example.com/rex.jpg", "https://example.com/card.pdf"],
        },
    ).json()

    (webhook,) = receiver.wait_for(1, "/sms", timeout=WAIT)
    assert answer["webhook"]["status_code"] == 200 and answer["keyword"] is None
    assert RequestValidator(twilio_client.password).validate(webhook.url, webhook.form, webhook.signature)
    form = webhook.form
    assert (form["From"], form["To"], form["Body"], form["AccountSid"]) == (
        CLIENT_PHONE,
        company_number,
        "Is Rex ok?",
        twilio_client.account_sid,
    )
    assert form["MessageSid"] == answer["message_sid"] and form["MessageSid"].startswith("MM")
    assert (form["NumMedia"], form["MediaUrl0"], form["MediaContentType0"]) == (
        "2",
        "https://example.com/rex.jpg",
        "image/jpeg",
    )
    assert (form["MediaUrl1"], form["MediaContentType1"]) == (
        "https://example.com/card.pdf",
        "application/pdf",
    )
    received = twilio_client.messages(answer["message_sid"]).fetch()
    assert (received.direction, received.status, received.body) == ("inbound", "received", "Is Rex ok?")


def test_the_simulation_reports_what_the_webhook_answered(
    company_number: str, receiver: WebhookReceiver, twilio_sandbox: httpx.Client
) -> None:
    receiver.answer_first("/sms", [500])
    answer = twilio_sandbox.post(
        "/sandbox/inbound", json={"from": CLIENT_PHONE, "to": company_number, "body": "Hi"}
    )
    assert answer.json()["webhook"]["status_code"] == 500


def test_stop_opts_out_with_twilios_auto_reply_and_still_reaches_the_service(
    company_number: str, receiver: WebhookReceiver, twilio_sandbox: httpx.Client
) -> None:
    answer = twilio_sandbox.post(
        "/sandbox/inbound", json={"from": CLIENT_PHONE, "to": company_number, "body": "Stop"}
    )

    assert answer.json()["keyword"] == "opt-out"
    assert receiver.wait_for(1, "/sms", timeout=WAIT)[0].form["Body"] == "Stop"
    assert twilio_sandbox.get("/sandbox/opt-outs").json() == [
        {"company_number": company_number, "phone_number": CLIENT_PHONE}
    ]
    (stop,) = twilio_sandbox.get("/sandbox/messages", params={"from": CLIENT_PHONE}).json()
    assert (stop["direction"], stop["body"]) == ("inbound", "Stop")
    replies = twilio_sandbox.get("/sandbox/messages", params={"to": CLIENT_PHONE}).json()
    assert [(r["direction"], r["from"]) for r in replies] == [("outbound-reply", company_number)]
    assert "unsubscribed" in replies[0]["body"]


def test_help_and_a_sentence_containing_stop_do_not_opt_out(
    company_number: str, twilio_sandbox: httpx.Client
) -> None:
    for body in ("HELP", "please stop by at 5"):
        twilio_sandbox.post(
            "/sandbox/inbound", json={"from": CLIENT_PHONE, "to": company_number, "body": body}
        )
    assert twilio_sandbox.get("/sandbox/opt-outs").json() == []


def test_a_text_to_a_number_nobody_owns_is_refused(twilio_sandbox: httpx.Client) -> None:
    answer = twilio_sandbox.post(
        "/sandbox/inbound", json={"from": CLIENT_PHONE, "to": "+14155550100", "body": "Hi"}
    )
    assert answer.status_code == 400 and "+14155550100" in answer.json()["detail"]
