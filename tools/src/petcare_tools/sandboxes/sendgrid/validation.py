"""SendGrid's checks of a v3 `mail/send` body, for the basics, with SendGrid's error shapes.

A refused body answers 400 `{"errors": [{"message", "field", "help"}, ...]}`, every problem listed,
so the SDK raises `python_http_client.exceptions.BadRequestsError` with the same body as SendGrid's.
"""

from __future__ import annotations

import re
from typing import Any

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HELP = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#"
MAX_PERSONALIZATIONS = 1000
CONTENT_ORDER = ("text/plain", "text/html")
# SendGrid's own wording, so a log line reads the same in dev and in production.
FROM_REQUIRED = (
    "The from object must be provided for every email send. It is an object that requires the email "
    "parameter, but may also contain a name parameter."
)
SUBJECT_REQUIRED = (
    "The subject is required. You can get around this requirement if you use a template with a "
    "subject defined or if every personalization has a subject defined."
)
TO_REQUIRED = (
    "The to array is required for all personalization objects, and must have at least one email "
    "object with a valid email address."
)
CONTENT_REQUIRED = (
    "Unless a valid template_id is provided, the content parameter is required. There must be at "
    "least one defined content block. We typically suggest both text/plain and text/html blocks are "
    "included, but only one block is required."
)
RECIPIENTS_NOT_UNIQUE = (
    "Each email address in the personalization block should be unique between to, cc, and bcc."
)
CONTENT_ORDER_WRONG = (
    "If present, text/plain content must be first, followed by text/html, then any other content."
)

ApiError = dict[str, str | None]


def error(message: str, field: str | None = None, help_anchor: str | None = None) -> ApiError:
    return {"message": message, "field": field, "help": HELP + help_anchor if help_anchor else None}


def problems_with(body: Any) -> list[ApiError]:
    """Every reason SendGrid would refuse this body; empty when it would accept it."""
    if not isinstance(body, dict):
        return [error("Bad Request")]
    problems = _personalizations(body.get("personalizations"))
    problems += _address(body.get("from"), "from", required=True)
    problems += _address(body.get("reply_to"), "reply_to", required=False)
    has_template = bool(body.get("template_id"))
    personalizations = body.get("personalizations") or []
    every_personalization_has_subject = bool(personalizations) and all(
        isinstance(p, dict) and p.get("subject") for p in personalizations
    )
    if not has_template and not body.get("subject") and not every_personalization_has_subject:
        problems.append(error(SUBJECT_REQUIRED, "subject", "message.subject"))
    return problems + _content(body.get("content"), has_template)


def _address(value: Any, name: str, required: bool) -> list[ApiError]:
    if value is None and not required:
        return []
    if not isinstance(value, dict) or not value.get("email"):
        message = FROM_REQUIRED if name == "from" else f"The {name} object must have an email."
        return [error(message, f"{name}.email", f"message.{name}")]
    if not EMAIL.match(str(value["email"])):
        return [
            error(f"The {name} email does not contain a valid address.", f"{name}.email", f"message.{name}")
        ]
    return []


def _personalizations(personalizations: Any) -> list[ApiError]:
    anchor = "-Personalizations-Errors"
    if not isinstance(personalizations, list) or not personalizations:
        message = "The personalizations field is required and must have at least one personalization."
        return [error(message, "personalizations", anchor)]
    if len(personalizations) > MAX_PERSONALIZATIONS:
        message = "The personalizations field must not contain more than 1000 personalizations."
        return [error(message, "personalizations", anchor)]
    problems: list[ApiError] = []
    for index, personalization in enumerate(personalizations):
        field = f"personalizations.{index}"
        if not isinstance(personalization, dict) or not personalization.get("to"):
            problems.append(error(TO_REQUIRED, f"{field}.to", "message.personalizations.to"))
            continue
        seen: set[str] = set()
        for kind in ("to", "cc", "bcc"):
            for position, recipient in enumerate(personalization.get(kind) or []):
                address = str(recipient.get("email", "")) if isinstance(recipient, dict) else ""
                where = f"{field}.{kind}.{position}.email"
                if not EMAIL.match(address):
                    problems.append(
                        error("Does not contain a valid address.", where, "message.personalizations")
                    )
                elif address.lower() in seen:
                    problems.append(error(RECIPIENTS_NOT_UNIQUE, where, "message.recipient_errors"))
                seen.add(address.lower())
    return problems


def _content(content: Any, has_template: bool) -> list[ApiError]:
    if not content:
        return [] if has_template else [error(CONTENT_REQUIRED, "content", "message.content")]
    if not isinstance(content, list):
        return [error("The content parameter must be an array.", "content", "message.content")]
    problems: list[ApiError] = []
    for index, block in enumerate(content):
        if not isinstance(block, dict) or not isinstance(block.get("value"), str) or not block["value"]:
            message = "The content value must be a string at least one character in length."
            problems.append(error(message, f"content.{index}.value", "message.content.value"))
    types = [block.get("type") for block in content if isinstance(block, dict)]
    ordered = [t for t in CONTENT_ORDER if t in types]
    if types[: len(ordered)] != ordered:
        problems.append(error(CONTENT_ORDER_WRONG, "content.0.type", "message.content.type"))
    return problems
