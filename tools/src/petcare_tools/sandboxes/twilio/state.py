"""What the Twilio sandbox remembers, in memory: accounts' tokens, numbers, messages, opt-outs,
injected failures and the A2P records. One lock guards it, so a check and the change it allows
(a number is free → buy it) happen together even if a caller uses threads.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Direction = Literal["outbound-api", "outbound-reply", "inbound"]
FailureOutcome = Literal["rejected", "failed", "undelivered"]


def now() -> datetime:
    return datetime.now(UTC)


def new_sid(prefix: str) -> str:
    """Twilio sids: a two-letter type prefix and 32 hex digits (34 characters)."""
    return prefix + uuid.uuid4().hex


@dataclass
class WebhookAttempt:
    at: datetime
    status_code: int | None
    error: str | None = None
    response_body: str = ""


@dataclass
class WebhookCall:
    """One webhook the sandbox made (a status callback or an inbound message) and its attempts."""

    event: str
    url: str
    params: dict[str, str]
    signature: str
    method: str = "POST"
    attempts: list[WebhookAttempt] = field(default_factory=list)

    @property
    def answered_2xx(self) -> bool:
        return any(a.status_code is not None and 200 <= a.status_code < 300 for a in self.attempts)


@dataclass
class Message:
    sid: str
    account_sid: str
    direction: Direction
    from_: str
    to: str
    body: str
    media_urls: list[str]
    num_segments: int
    status: str
    status_callback: str | None = None
    messaging_service_sid: str | None = None
    error_code: int | None = None
    date_created: datetime = field(default_factory=now)
    date_updated: datetime = field(default_factory=now)
    date_sent: datetime | None = None
    history: list[tuple[str, datetime]] = field(default_factory=list)
    webhooks: list[WebhookCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.history.append((self.status, self.date_created))

    def move_to(self, status: str, error_code: int | None = None) -> None:
        self.status = status
        self.error_code = error_code
        self.date_updated = now()
        if status == "sent":
            self.date_sent = self.date_updated
        self.history.append((status, self.date_updated))


@dataclass
class PhoneNumber:
    """A number an account bought; `sms_url` receives its inbound texts."""

    sid: str
    account_sid: str
    phone_number: str
    friendly_name: str
    iso_country: str
    sms_url: str | None = None
    sms_method: str = "POST"
    status_callback: str | None = None
    date_created: datetime = field(default_factory=now)
    date_updated: datetime = field(default_factory=now)


@dataclass
class Record:
    """A resource the sandbox only stores and shows (A2P brand, trust hub bundle, service...)."""

    kind: str
    sid: str
    account_sid: str
    fields: dict[str, Any]
    parent_sid: str | None = None
    date_created: datetime = field(default_factory=now)
    date_updated: datetime = field(default_factory=now)


@dataclass
class FailureRule:
    """Injected failure: the next `remaining` sends (to `to`, or to anyone) end this way."""

    outcome: FailureOutcome
    error_code: int
    remaining: int = 1
    to: str | None = None
    http_status: int = 400
    """For `rejected`: the HTTP status of the refused create call."""


class SandboxState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.configured_tokens: dict[str, str] = {}
            """Set through the admin API; win over everything else."""
            self.seen_tokens: dict[str, str] = {}
            """Learned from the Basic auth of API calls made with the account's own sid."""
            self.messages: dict[str, Message] = {}
            self.numbers: dict[str, PhoneNumber] = {}
            self.records: dict[str, Record] = {}
            self.opt_outs: set[tuple[str, str]] = set()
            """(company number, subscriber number) pairs: the subscriber texted STOP to that number."""
            self.failure_rules: list[FailureRule] = []

    def signing_token(self, account_sid: str, default_token: str) -> str:
        """The auth token Twilio would sign this account's webhooks with."""
        with self.lock:
            return (
                self.configured_tokens.get(account_sid) or self.seen_tokens.get(account_sid) or default_token
            )

    def taken_numbers(self) -> set[str]:
        """Numbers some account owns: no longer offered by searches."""
        with self.lock:
            return {n.phone_number for n in self.numbers.values()}

    def number_by_phone(self, phone_number: str) -> PhoneNumber | None:
        with self.lock:
            return next((n for n in self.numbers.values() if n.phone_number == phone_number), None)

    def records_of(self, kind: str, account_sid: str, parent_sid: str | None = None) -> list[Record]:
        with self.lock:
            return [
                r
                for r in self.records.values()
                if r.kind == kind
                and r.account_sid == account_sid
                and (parent_sid is None or r.parent_sid == parent_sid)
            ]

    def record(self, kind: str, sid: str, account_sid: str | None = None) -> Record | None:
        with self.lock:
            found = self.records.get(sid)
        if (
            found is None
            or found.kind != kind
            or (account_sid is not None and found.account_sid != account_sid)
        ):
            return None
        return found

    def take_failure(self, to: str) -> FailureRule | None:
        """Consume one use of the first injected failure that applies to a send to `to`."""
        with self.lock:
            for rule in self.failure_rules:
                if rule.to in (None, to):
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self.failure_rules.remove(rule)
                    return rule
        return None
