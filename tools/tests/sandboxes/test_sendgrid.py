"""Sending mail with the real SendGrid SDK against the sandbox: stored, listed, refused, failed."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from petcare_kit.providers.sendgrid import make_sendgrid_client
from python_http_client.exceptions import (
    BadRequestsError,
    InternalServerError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnauthorizedError,
)
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Category, CustomArg, Mail

OWNER = "owner@happypaws.test"


def visit_report(delivery_id: str = "delivery-1", to: str = "ann@example.com") -> Mail:
    mail = Mail(
        from_email=OWNER,
        to_emails=to,
        subject="Rex's visit report",
        plain_text_content="Rex was walked for 30 minutes.",
        html_content="<p>Rex was walked for <b>30 minutes</b>.</p>",
    )
    mail.custom_arg = CustomArg("delivery_id", delivery_id)
    mail.category = Category("visit-report")
    return mail


def test_a_mail_is_accepted_with_a_message_id_and_shows_in_the_mailbox(
    sendgrid_client: SendGridAPIClient, sendgrid_sandbox: httpx.Client
) -> None:
    response = sendgrid_client.send(visit_report())

    assert response.status_code == 202
    message_id = response.headers["X-Message-Id"]
    assert len(message_id) == 22
    (stored,) = sendgrid_sandbox.get("/sandbox/messages", params={"to": "ANN@example.com"}).json()
    assert stored["id"] == message_id
    assert (stored["from"], stored["to"], stored["subject"]) == (
        {"email": OWNER},
        ["ann@example.com"],
        "Rex's visit report",
    )
    assert stored["text"] == "Rex was walked for 30 minutes."
    assert stored["html"] == "<p>Rex was walked for <b>30 minutes</b>.</p>"
    assert (stored["custom_args"], stored["delivery_id"], stored["categories"]) == (
        {"delivery_id": "delivery-1"},
        "delivery-1",
        ["visit-report"],
    )
    assert sendgrid_sandbox.get(f"/sandbox/messages/{message_id}").json()["raw"] == visit_report().get()
    assert "Rex&#x27;s visit report" in sendgrid_sandbox.get("/sandbox/").text
    assert "30 minutes" in sendgrid_sandbox.get(f"/sandbox/view/{message_id}").text


def test_a_delivery_posted_twice_is_stored_twice_and_flagged(
    sendgrid_client: SendGridAPIClient, sendgrid_sandbox: httpx.Client
) -> None:
    first = sendgrid_client.send(visit_report("delivery-7")).headers["X-Message-Id"]
    second = sendgrid_client.send(visit_report("delivery-7")).headers["X-Message-Id"]
    sendgrid_client.send(visit_report("delivery-8"))

    duplicates = sendgrid_sandbox.get("/sandbox/messages", params={"delivery_id": "delivery-7"}).json()
    assert [m["id"] for m in duplicates] == [first, second]
    assert sendgrid_sandbox.get("/sandbox/").text.count("(sent more than once)") == 2


def test_the_delivery_id_may_be_a_personalization_custom_arg_or_a_mail_header(
    sendgrid_client: SendGridAPIClient, sendgrid_sandbox: httpx.Client
) -> None:
    body = visit_report().get()
    del body["custom_args"]
    body["headers"] = {"X-Delivery-Id": "from-header"}
    sendgrid_client.send(body)
    body["personalizations"][0]["custom_args"] = {"delivery_id": "from-personalization"}
    sendgrid_client.send(body)

    stored = sendgrid_sandbox.get("/sandbox/messages").json()
    assert [m["delivery_id"] for m in stored] == ["from-header", "from-personalization"]


@pytest.mark.parametrize("api_key", ["not-a-sendgrid-key", ""], ids=["wrong key", "no key"])
def test_a_bad_key_is_refused_401_and_nothing_is_stored(
    sendgrid_server: str, sendgrid_sandbox: httpx.Client, api_key: str
) -> None:
    with pytest.raises(UnauthorizedError) as refused:
        make_sendgrid_client(api_key, sendgrid_server).send(visit_report())
    (error,) = refused.value.to_dict["errors"]
    assert set(error) == {"message", "field", "help"} and error["message"]
    assert sendgrid_sandbox.get("/sandbox/messages").json() == []


def without(*keys: str) -> dict[str, Any]:
    body = visit_report().get()
    for key in keys:
        del body[key]
    return body


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (without("subject"), ["subject"]),
        (without("content"), ["content"]),
        (without("subject", "content"), ["subject", "content"]),
        (without("from"), ["from.email"]),
        (
            {**visit_report().get(), "personalizations": [{"to": [{"email": "not-an-address"}]}]},
            ["personalizations.0.to.0.email"],
        ),
        (
            {**visit_report().get(), "personalizations": [{"cc": [{"email": "a@example.com"}]}]},
            ["personalizations.0.to"],
        ),
        (
            {**visit_report().get(), "content": list(reversed(visit_report().get()["content"]))},
            ["content.0.type"],
        ),
    ],
    ids=["no subject", "no content", "neither", "no from", "bad address", "no to", "html before text"],
)
def test_an_incomplete_mail_is_refused_400_naming_each_field(
    sendgrid_client: SendGridAPIClient,
    sendgrid_sandbox: httpx.Client,
    body: dict[str, Any],
    fields: list[str],
) -> None:
    with pytest.raises(BadRequestsError) as refused:
        sendgrid_client.send(body)
    assert [e["field"] for e in refused.value.to_dict["errors"]] == fields
    assert sendgrid_sandbox.get("/sandbox/messages").json() == []


def test_a_template_mail_needs_neither_subject_nor_content(
    sendgrid_client: SendGridAPIClient, sendgrid_sandbox: httpx.Client
) -> None:
    body = {**without("subject", "content"), "template_id": "d-1234567890abcdef"}
    assert sendgrid_client.send(body).status_code == 202
    assert sendgrid_sandbox.get("/sandbox/messages").json()[0]["template_id"] == "d-1234567890abcdef"


@pytest.mark.parametrize(
    ("status", "error_class"), [(429, TooManyRequestsError), (500, InternalServerError)], ids=["429", "500"]
)
def test_an_injected_failure_makes_the_sdk_raise_once_then_the_retry_is_stored(
    sendgrid_client: SendGridAPIClient,
    sendgrid_sandbox: httpx.Client,
    status: int,
    error_class: type[Exception],
) -> None:
    sendgrid_sandbox.post("/sandbox/failures", json={"status": status, "count": 1}).raise_for_status()

    with pytest.raises(error_class) as failed:
        sendgrid_client.send(visit_report())
    assert failed.value.status_code == status
    assert sendgrid_sandbox.get("/sandbox/messages").json() == []

    assert sendgrid_client.send(visit_report()).status_code == 202
    assert len(sendgrid_sandbox.get("/sandbox/messages").json()) == 1


def test_a_failure_injected_for_one_recipient_spares_the_others(
    sendgrid_client: SendGridAPIClient, sendgrid_sandbox: httpx.Client
) -> None:
    sendgrid_sandbox.post(
        "/sandbox/failures", json={"status": 503, "to": "bob@example.com"}
    ).raise_for_status()
    assert sendgrid_client.send(visit_report(to="ann@example.com")).status_code == 202
    with pytest.raises(ServiceUnavailableError):
        sendgrid_client.send(visit_report(to="bob@example.com"))


def activity(client: SendGridAPIClient, query: str | None, **params: Any) -> list[dict[str, Any]]:
    query_params = {"limit": 10, **params} | ({"query": query} if query is not None else {})
    return json.loads(client.client.messages.get(query_params=query_params).body)["messages"]


def test_email_activity_finds_a_mail_by_its_delivery_id_as_sendgrid_answers(
    sendgrid_client: SendGridAPIClient,
) -> None:
    assert activity(sendgrid_client, "unique_args['delivery_id']=\"delivery-9\"") == []
    first = sendgrid_client.send(visit_report("delivery-9")).headers["X-Message-Id"]
    sendgrid_client.send(visit_report("delivery-10", to="bob@example.com"))
    second = sendgrid_client.send(visit_report("delivery-9")).headers["X-Message-Id"]

    found = activity(sendgrid_client, "unique_args['delivery_id']=\"delivery-9\"")
    # Newest first; like SendGrid's, a msg_id is the X-Message-Id then ".filter…".
    assert [m["msg_id"].split(".")[0] for m in found] == [second, first]
    assert found[0]["msg_id"].startswith(second + ".filter")
    assert {(m["to_email"], m["subject"], m["status"]) for m in found} == {
        ("ann@example.com", "Rex's visit report", "delivered")
    }
    both = "(unique_args['delivery_id']=\"delivery-10\") AND (to_email=\"BOB@example.com\")"
    assert [m["to_email"] for m in activity(sendgrid_client, both)] == ["bob@example.com"]
    assert len(activity(sendgrid_client, None, limit=2)) == 2


def test_email_activity_needs_the_key_and_a_query_it_can_read(
    sendgrid_server: str, sendgrid_client: SendGridAPIClient
) -> None:
    with pytest.raises(UnauthorizedError):
        activity(make_sendgrid_client("not-a-sendgrid-key", sendgrid_server), None)
    with pytest.raises(BadRequestsError) as refused:
        activity(sendgrid_client, "clicks > 3")
    assert refused.value.to_dict["errors"][0]["field"] == "query"
