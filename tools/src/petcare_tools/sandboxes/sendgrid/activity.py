"""`GET /v3/messages`: SendGrid's Email Activity API, for the queries the services make.

The notifications service asks it whether a delivery id was already accepted, after a crash
between "about to send" and "recorded as sent" (`unique_args['delivery_id']="…"`). As in SendGrid,
there is one activity message per recipient, newest first, and its `msg_id` is the mail's
X-Message-Id followed by a `.filter…` part. Supported queries: clauses `unique_args['name']="value"`,
`to_email="…"` and `subject="…"`, joined by AND, with or without parentheses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .mailbox import StoredMail

CLAUSE = re.compile(
    r"""(?:unique_args\['(?P<arg>[^']+)'\]|(?P<field>to_email|subject))\s*=\s*"(?P<value>[^"]*)\""""
)
AND = re.compile(r'\s+AND\s+(?=(?:[^"]*"[^"]*")*[^"]*$)', re.IGNORECASE)
"""AND outside quoted values (an even number of quotes follows it)."""


@dataclass(frozen=True)
class Clause:
    name: str
    value: str
    custom_arg: bool


def parse_query(query: str | None) -> list[Clause] | None:
    """The clauses of an Email Activity query; [] for no query; None for one the sandbox can't read."""
    text = _unwrap(query or "")
    clauses = []
    for part in AND.split(text) if text else []:
        found = CLAUSE.fullmatch(_unwrap(part))
        if found is None:
            return None
        name = found["arg"] or found["field"]
        clauses.append(Clause(name, found["value"], custom_arg=found["arg"] is not None))
    return clauses


def activity_messages(mails: list[StoredMail], clauses: list[Clause], limit: int) -> list[dict[str, Any]]:
    """One entry per recipient of every mail matching all clauses, newest first, at most `limit`."""
    found: list[dict[str, Any]] = []
    for mail in reversed(mails):
        for entry, custom_args in _per_recipient(mail):
            if all(_matches(clause, entry, custom_args) for clause in clauses):
                found.append(entry)
    return found[:limit]


def _per_recipient(mail: StoredMail) -> list[tuple[dict[str, Any], dict[str, str]]]:
    subject = mail.body.get("subject")
    entries = []
    for p_index, personalization in enumerate(mail.personalizations):
        custom_args = {**(mail.body.get("custom_args") or {}), **(personalization.get("custom_args") or {})}
        for r_index, recipient in enumerate(personalization.get("to") or []):
            entry = {
                "from_email": mail.body["from"]["email"],
                "msg_id": f"{mail.message_id}.filter0001p1las1-{p_index}-{r_index}-0.0",
                "subject": personalization.get("subject") or subject,
                "to_email": recipient["email"],
                "status": "delivered",
                "opens_count": 0,
                "clicks_count": 0,
                "last_event_time": mail.received_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            entries.append((entry, {k: str(v) for k, v in custom_args.items()}))
    return entries


def _matches(clause: Clause, entry: dict[str, Any], custom_args: dict[str, str]) -> bool:
    if clause.custom_arg:
        return custom_args.get(clause.name) == clause.value
    return str(entry.get(clause.name) or "").lower() == clause.value.lower()


def _unwrap(text: str) -> str:
    """Without the parentheses around the whole of it (not those of `(a) AND (b)`)."""
    text = text.strip()
    while text.startswith("(") and _closing_paren(text) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def _closing_paren(text: str) -> int | None:
    """Where the parenthesis opening `text` closes, ignoring those inside quoted values."""
    depth, quoted = 0, False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
            if depth == 0:
                return index
    return None
