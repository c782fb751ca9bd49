"""What the SendGrid sandbox keeps: every accepted mail, and the failures to answer next.

Duplicates are never merged: SendGrid sends a mail as often as it is posted, so a service that
posts one delivery twice must show up here twice (same `delivery_id`) for a test to catch it.
The delivery id is the one the services put in `custom_args.delivery_id` (top level or in a
personalization), else in an `X-Delivery-Id` mail header.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DELIVERY_ID_ARG = "delivery_id"
DELIVERY_ID_HEADER = "X-Delivery-Id"


@dataclass
class StoredMail:
    message_id: str
    received_at: datetime
    body: dict[str, Any]
    """The request body as SendGrid received it."""

    @property
    def personalizations(self) -> list[dict[str, Any]]:
        return self.body["personalizations"]

    def addresses(self, kind: str) -> list[str]:
        """Every `to` (or `cc`, `bcc`) address, across personalizations."""
        return [r["email"] for p in self.personalizations for r in p.get(kind) or []]

    def content(self, content_type: str) -> str | None:
        return next(
            (c["value"] for c in self.body.get("content") or [] if c.get("type") == content_type), None
        )

    @property
    def custom_args(self) -> dict[str, str]:
        """Top-level custom args, overridden by the first personalization's (as SendGrid merges them)."""
        return {**(self.body.get("custom_args") or {}), **(self.personalizations[0].get("custom_args") or {})}

    @property
    def delivery_id(self) -> str | None:
        """`custom_args.delivery_id` (merged as SendGrid merges them), else the `X-Delivery-Id` header."""
        scopes = (self.body, *self.personalizations)
        candidates = [self.custom_args.get(DELIVERY_ID_ARG)]
        candidates += [(p.get("custom_args") or {}).get(DELIVERY_ID_ARG) for p in self.personalizations[1:]]
        candidates += [(scope.get("headers") or {}).get(DELIVERY_ID_HEADER) for scope in scopes]
        return next((str(found) for found in candidates if found), None)

    def is_for(self, address: str) -> bool:
        wanted = address.lower()
        return any(a.lower() == wanted for kind in ("to", "cc", "bcc") for a in self.addresses(kind))

    def view(self) -> dict[str, Any]:
        first = self.personalizations[0]
        return {
            "id": self.message_id,
            "received_at": self.received_at.isoformat(),
            "delivery_id": self.delivery_id,
            "from": self.body["from"],
            "reply_to": self.body.get("reply_to"),
            "to": self.addresses("to"),
            "cc": self.addresses("cc"),
            "bcc": self.addresses("bcc"),
            "subject": self.body.get("subject") or first.get("subject"),
            "text": self.content("text/plain"),
            "html": self.content("text/html"),
            "template_id": self.body.get("template_id"),
            "custom_args": self.custom_args,
            "headers": {**(self.body.get("headers") or {}), **(first.get("headers") or {})},
            "categories": self.body.get("categories") or [],
            "send_at": self.body.get("send_at", first.get("send_at")),
            "raw": self.body,
        }


@dataclass
class InjectedFailure:
    status: int
    remaining: int
    to: str | None = None


@dataclass
class Mailbox:
    mails: list[StoredMail] = field(default_factory=list)
    failures: list[InjectedFailure] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accept(self, body: dict[str, Any]) -> StoredMail:
        # SendGrid's X-Message-Id: 22 URL-safe characters.
        mail = StoredMail(secrets.token_urlsafe(16), datetime.now(UTC), body)
        with self.lock:
            self.mails.append(mail)
        return mail

    def take_failure(self, body: Any) -> InjectedFailure | None:
        """Consume one use of the first injected failure that applies to this send."""
        recipients = _recipients(body)
        with self.lock:
            for failure in self.failures:
                if failure.to is None or failure.to.lower() in recipients:
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        self.failures.remove(failure)
                    return failure
        return None

    def find(self, to: str | None = None, delivery_id: str | None = None) -> list[StoredMail]:
        with self.lock:
            mails = list(self.mails)
        return [
            m
            for m in mails
            if (to is None or m.is_for(to)) and (delivery_id is None or m.delivery_id == delivery_id)
        ]

    def reset(self) -> None:
        with self.lock:
            self.mails.clear()
            self.failures.clear()


def _recipients(body: Any) -> set[str]:
    """Lower-cased addresses of a body that may not be valid (failures are injected before validation)."""
    try:
        return {
            str(r["email"]).lower()
            for p in body["personalizations"]
            for k in ("to", "cc", "bcc")
            for r in p.get(k) or []
        }
    except (KeyError, TypeError, AttributeError):
        return set()
