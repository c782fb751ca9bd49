"""Sends an `OutgoingEmail` through SendGrid (or the SendGrid sandbox), and asks SendGrid whether a
delivery was already accepted, so that recovering from a crash does not send an email twice.

Synchronous, as the SDK is: the dispatcher calls it with `asyncio.to_thread`. Errors come out as
three exceptions the dispatcher can act on without knowing HTTP: retry later
(`EmailTemporarilyFailed`), give up (`EmailRejected`), or recover at least once
(`ActivityUnavailable`).
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any
from urllib.error import URLError
from uuid import UUID

from petcare_kit.providers.sendgrid import DEFAULT_TIMEOUT_SECONDS, make_sendgrid_client
from python_http_client.exceptions import HTTPError
from sendgrid.helpers.mail import Category, CustomArg, From, HtmlContent, Mail, PlainTextContent, ReplyTo, To

from notifications.domain.emails import OutgoingEmail

DELIVERY_ID_ARG = "delivery_id"
"""The custom arg carrying our delivery id: SendGrid shows it in events and Email Activity."""
ACTIVITY_LIMIT = 10


class EmailTemporarilyFailed(Exception):
    """HTTP 429, 5xx, a network error or a timeout: try again later.

    `maybe_accepted` is True when SendGrid may have taken the mail anyway (a timeout or a dropped
    connection after the request went out, a 5xx): before sending again, ask `find_sent`."""

    def __init__(self, reason: str, *, maybe_accepted: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.maybe_accepted = reason, maybe_accepted


class EmailRejected(Exception):
    """A 4xx other than 429 (invalid address or body, a wrong or revoked key): sending again fails again."""

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


class ActivityUnavailable(Exception):
    """SendGrid cannot say whether a delivery was sent (the account or key has no Email Activity
    access: 403/404; or the query was refused). Without it, recovery can only send at least once."""


class SendGridEmailSender:
    """One SendGrid client for the service; `host` points it at the sandbox (None: api.sendgrid.com)."""

    def __init__(self, api_key: str, host: str | None, from_email: str, *,
                 timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._client = make_sendgrid_client(api_key, host, timeout_seconds=timeout_seconds)
        self._from_email = from_email

    def send(self, email: OutgoingEmail) -> str | None:
        """Hand the email to SendGrid; the X-Message-Id it answers (None if it gave none).

        The delivery id goes in `custom_args`, so `find_sent` can find this email later."""
        try:
            response = self._client.send(self.mail_for(email))
        except HTTPError as error:
            raise _classified(error) from error
        except (URLError, OSError, http.client.HTTPException) as error:
            maybe_accepted = _maybe_accepted(error)
            raise EmailTemporarilyFailed(_network_reason(error), maybe_accepted=maybe_accepted) from error
        return response.headers.get("X-Message-Id") or None

    def find_sent(self, delivery_id: UUID) -> str | None:
        """The X-Message-Id of an email SendGrid already accepted for `delivery_id`, else None.

        Uses the Email Activity API (`GET /v3/messages`, a paid add-on; the key needs its scope). Its
        `msg_id` is the X-Message-Id followed by ".filter…": the prefix is returned, as `send` does.
        Real SendGrid indexes a message seconds to minutes after accepting it, so ask only about a
        send that started longer ago than that. Raises ActivityUnavailable when SendGrid cannot tell,
        EmailTemporarilyFailed on 429 (6 requests a minute), 5xx and network errors.
        """
        query = f"unique_args['{DELIVERY_ID_ARG}']=\"{delivery_id}\""
        try:
            response = self._client.client.messages.get(
                query_params={"limit": ACTIVITY_LIMIT, "query": query})
        except HTTPError as error:
            classified = _classified(error)
            if isinstance(classified, EmailRejected):
                raise ActivityUnavailable(f"Email Activity unavailable: {classified.reason}") from error
            raise classified from error
        except (URLError, OSError, http.client.HTTPException) as error:
            raise EmailTemporarilyFailed(_network_reason(error)) from error
        try:
            messages = json.loads(response.body or b"{}").get("messages") or []
            found = next((str(m["msg_id"]) for m in messages if m.get("msg_id")), None)
        except (ValueError, AttributeError, TypeError) as error:  # not Email Activity's answer
            raise EmailTemporarilyFailed(f"unreadable Email Activity answer: {error}") from error
        return found.split(".", 1)[0] if found else None

    def mail_for(self, email: OutgoingEmail) -> Mail:
        """The SDK's Mail: from our verified address under the company's name, text before HTML."""
        mail = Mail(
            from_email=From(self._from_email, email.from_name or None),
            to_emails=To(email.to_email, email.to_name or None),
            subject=email.subject,
            plain_text_content=PlainTextContent(email.text),
            html_content=HtmlContent(email.html),
        )
        if email.reply_to:
            mail.reply_to = ReplyTo(email.reply_to)
        mail.custom_arg = CustomArg(DELIVERY_ID_ARG, str(email.delivery_id))
        for category in email.categories:
            mail.add_category(Category(category))
        return mail


def _classified(error: HTTPError) -> EmailTemporarilyFailed | EmailRejected:
    status = int(error.status_code)
    reason = f"SendGrid answered {status}: {_error_messages(error.body)}"
    if status == 429 or status >= 500:
        return EmailTemporarilyFailed(reason, maybe_accepted=status >= 500)
    return EmailRejected(reason, status=status)


def _error_messages(body: Any) -> str:
    """SendGrid's `{"errors": [{"message", "field"}]}` as one line (its messages hold no secrets)."""
    try:
        errors = json.loads(body)["errors"]
        return "; ".join(f"{e['field']}: {e['message']}" if e.get("field") else str(e["message"])
                         for e in errors) or "no detail"
    except (ValueError, KeyError, TypeError):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
        return text[:300] or "no detail"


def _network_reason(error: BaseException) -> str:
    cause = error.reason if isinstance(error, URLError) else error
    return f"SendGrid unreachable: {type(cause).__name__}: {cause}"


def _maybe_accepted(error: BaseException) -> bool:
    """A refused connection or an unknown host never reached SendGrid; after a timeout or a reset
    nobody knows whether it took the mail."""
    cause = error.reason if isinstance(error, URLError) else error
    return not isinstance(cause, ConnectionRefusedError | socket.gaierror)
