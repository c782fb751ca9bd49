"""The SendGrid adapter against the real SendGrid sandbox on a free 127.0.0.1 port: what it sends,
how it finds a delivery again after a crash (no email twice), and how it sorts failures into
"retry later" and "give up"."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi import FastAPI, Response
from notifications.adapters.sendgrid_sender import (
    ActivityUnavailable,
    EmailRejected,
    EmailTemporarilyFailed,
    SendGridEmailSender,
)
from notifications.domain.emails import OutgoingEmail
from petcare_tools.sandboxes.background import serve_in_background
from petcare_tools.sandboxes.sendgrid import SendGridSandboxConfig
from petcare_tools.sandboxes.sendgrid import create_app as create_sendgrid_sandbox

KEY = "SG.notifications-test-key"
FROM = "notifications@petcare.test"


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    with serve_in_background(create_sendgrid_sandbox(SendGridSandboxConfig(frozenset({KEY})))) as url:
        yield url


@pytest.fixture
def mailbox(sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_url, trust_env=False) as http:
        http.post("/sandbox/reset").raise_for_status()
        yield http


@pytest.fixture
def sender(sandbox_url: str, mailbox: httpx.Client) -> SendGridEmailSender:
    return SendGridEmailSender(KEY, sandbox_url, FROM)


def email(delivery_id: UUID | None = None, **changes: object) -> OutgoingEmail:
    fields = dict(
        delivery_id=delivery_id or uuid4(), to_email="ann@example.com", to_name="Ann Smith",
        subject="New message from Happy Paws", text="Rex had a great walk!\n",
        html="<p>Rex had a great walk!</p>", from_name="Happy Paws", reply_to="office@happypaws.test",
        categories=("feed_message",),
    )
    return OutgoingEmail(**(fields | changes))  # type: ignore[arg-type]


def test_r_email_1_send_stores_the_mail_with_its_delivery_id_and_returns_its_message_id(
    sender: SendGridEmailSender, mailbox: httpx.Client
) -> None:
    delivery_id = uuid4()
    message_id = sender.send(email(delivery_id))

    (stored,) = mailbox.get("/sandbox/messages").json()
    assert message_id == stored["id"]
    assert stored["delivery_id"] == str(delivery_id)
    assert stored["custom_args"] == {"delivery_id": str(delivery_id)}
    assert stored["from"] == {"email": FROM, "name": "Happy Paws"}
    assert stored["reply_to"] == {"email": "office@happypaws.test"}
    assert stored["raw"]["personalizations"][0]["to"] == [{"email": "ann@example.com", "name": "Ann Smith"}]
    assert (stored["subject"], stored["text"], stored["html"]) == (
        "New message from Happy Paws", "Rex had a great walk!\n", "<p>Rex had a great walk!</p>")
    assert [c["type"] for c in stored["raw"]["content"]] == ["text/plain", "text/html"]
    assert stored["categories"] == ["feed_message"]


def test_without_a_reply_to_or_names_the_mail_still_goes(
    sender: SendGridEmailSender, mailbox: httpx.Client
) -> None:
    sender.send(email(reply_to=None, to_name="", from_name="", categories=()))
    (stored,) = mailbox.get("/sandbox/messages").json()
    assert (stored["reply_to"], stored["from"], stored["categories"]) == (None, {"email": FROM}, [])


def test_find_sent_finds_an_accepted_delivery_and_nothing_before(sender: SendGridEmailSender) -> None:
    delivery_id = uuid4()
    assert sender.find_sent(delivery_id) is None

    message_id = sender.send(email(delivery_id))
    sender.send(email())  # another delivery is not mistaken for it

    assert sender.find_sent(delivery_id) == message_id
    assert sender.find_sent(uuid4()) is None


@pytest.mark.parametrize("status", [500, 503, 429])
def test_an_injected_server_error_or_rate_limit_is_temporary_and_nothing_is_stored(
    sender: SendGridEmailSender, mailbox: httpx.Client, status: int
) -> None:
    mailbox.post("/sandbox/failures", json={"status": status}).raise_for_status()

    with pytest.raises(EmailTemporarilyFailed) as failed:
        sender.send(email())
    assert str(status) in failed.value.reason
    # A 5xx may hide an accepted mail; a 429 certainly does not.
    assert failed.value.maybe_accepted is (status != 429)
    assert mailbox.get("/sandbox/messages").json() == []
    assert sender.send(email()) is not None  # the retry goes through


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"to_email": "not-an-address"}, "personalizations.0.to.0.email"),
        ({"reply_to": "nobody"}, "reply_to.email"),
    ],
    ids=["bad to", "bad reply-to"],
)
def test_an_invalid_mail_is_rejected_for_good_naming_the_field(
    sender: SendGridEmailSender, mailbox: httpx.Client, changes: dict[str, str], field: str
) -> None:
    with pytest.raises(EmailRejected) as rejected:
        sender.send(email(**changes))
    assert rejected.value.status == 400 and field in rejected.value.reason
    assert mailbox.get("/sandbox/messages").json() == []


def test_an_invalid_from_address_is_rejected(sandbox_url: str, mailbox: httpx.Client) -> None:
    with pytest.raises(EmailRejected) as rejected:
        SendGridEmailSender(KEY, sandbox_url, "notifications-at-nowhere").send(email())
    assert rejected.value.status == 400 and "from.email" in rejected.value.reason


def test_a_wrong_key_is_rejected_for_good(sandbox_url: str, mailbox: httpx.Client) -> None:
    with pytest.raises(EmailRejected) as rejected:
        SendGridEmailSender("SG.revoked-key", sandbox_url, FROM).send(email())
    assert rejected.value.status == 401
    assert mailbox.get("/sandbox/messages").json() == []


def test_an_unreachable_sendgrid_is_temporary_and_known_not_to_have_accepted() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    sender = SendGridEmailSender(KEY, closed, FROM)
    with pytest.raises(EmailTemporarilyFailed) as failed:
        sender.send(email())
    assert failed.value.maybe_accepted is False
    with pytest.raises(EmailTemporarilyFailed):
        sender.find_sent(uuid4())


def provider_answering(status: int, delay_seconds: float = 0.0) -> FastAPI:
    """A stand-in for SendGrid answering `status` to everything, after `delay_seconds`."""
    app = FastAPI()

    @app.api_route("/v3/{path:path}", methods=["GET", "POST"])
    async def answer(path: str) -> Response:
        await asyncio.sleep(delay_seconds)
        body = '{"errors": [{"message": "refused by the stand-in", "field": null}]}'
        return Response(body, status, media_type="application/json")

    return app


@pytest.mark.parametrize("status", [403, 404, 401])
def test_without_email_activity_find_sent_says_it_cannot_tell(status: int) -> None:
    with serve_in_background(provider_answering(status)) as url:
        with pytest.raises(ActivityUnavailable):
            SendGridEmailSender(KEY, url, FROM).find_sent(uuid4())


@pytest.mark.parametrize("status", [429, 500])
def test_an_email_activity_rate_limit_or_outage_is_temporary(status: int) -> None:
    with serve_in_background(provider_answering(status)) as url:
        with pytest.raises(EmailTemporarilyFailed):
            SendGridEmailSender(KEY, url, FROM).find_sent(uuid4())


def test_a_timeout_is_temporary_and_may_hide_an_accepted_mail() -> None:
    with serve_in_background(provider_answering(202, delay_seconds=1.0)) as url:
        with pytest.raises(EmailTemporarilyFailed) as failed:
            SendGridEmailSender(KEY, url, FROM, timeout_seconds=0.2).send(email())
    assert failed.value.maybe_accepted is True
