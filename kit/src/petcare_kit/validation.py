"""Request checks every service shares, so bad input is a 422 in the one error shape before anything
is stored, published or sent, on every route:

- text PostgreSQL cannot store (NUL, and lone UTF-16 surrogates that no UTF-8 can carry) in any JSON
  string, query value, form value or path (`refuse_unstorable_text`, an app-wide dependency);
- list paging with bounded numbers (`Limit`, `Offset`), so no offset overflows a 64-bit column;
- PATCH bodies (`PatchBody`) where leaving a field out means "unchanged" and `null` is refused for a
  field that cannot be empty;
- form-encoded payloads (provider webhooks) validated by a pydantic model (`parse_form`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Query, Request
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError

from petcare_kit.errors import InvalidInput

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL (PostgreSQL text and jsonb refuse it) and lone surrogates (not encodable as UTF-8)."""
_JSON_HINTS = (b"\x00", b"\\u0000", b"\\ud8", b"\\ud9", b"\\uda", b"\\udb", b"\\udc", b"\\udd", b"\\ude", b"\\udf")
_FORM_HINT = b"%00"
MAX_OFFSET = 1_000_000
"""Far beyond any real list, far below 2**63: a larger offset is a mistake, not a page."""

Limit = Annotated[int, Query(ge=1, le=200, description="How many items at most (1..200).")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"How many items to skip (0..{MAX_OFFSET}).")]

ModelT = TypeVar("ModelT", bound=BaseModel)


def _real_month(value: str) -> str:
    datetime.strptime(value, "%Y-%m")  # ValueError (so 422) for year 0000, which no datetime can hold
    return value


Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$"), AfterValidator(_real_month)]
"""A calendar month `YYYY-MM` that Python's dates can hold (years 0001..9999)."""

_ASCII_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")


def _ascii_number(value: Any) -> Any:
    # Python's Decimal() and int() read any Unicode digit ("٥" is 5), "1_000", " 5 " and "1e3":
    # a number sent as text must be plain ASCII digits with at most one ".", nothing else.
    if isinstance(value, str) and not _ASCII_NUMBER.fullmatch(value):
        raise ValueError("must be a number written with the digits 0-9 and at most one '.' (e.g. \"8.875\")")
    return value


def _ascii_integer(value: Any) -> Any:
    if isinstance(value, str) and not _ASCII_INTEGER.fullmatch(value):
        raise ValueError("must be a whole number written with the digits 0-9")
    return value


AsciiNumber = BeforeValidator(_ascii_number)
"""Put in `Annotated[Decimal, AsciiNumber, Field(max_digits=..., decimal_places=...)]`: decimal text
(a percentage, a rate, an amount) accepts ASCII digits only, so every place bounds what is stored."""
AsciiInteger = BeforeValidator(_ascii_integer)
"""Put in `Annotated[int, AsciiInteger, ...]`: an integer sent as text accepts ASCII digits only."""


def has_unstorable_text(text: str) -> bool:
    """True if `text` holds a character PostgreSQL text cannot store (NUL) or UTF-8 cannot encode."""
    return UNSTORABLE.search(text) is not None


def unstorable_fields(value: Any, where: str = "body") -> list[str]:
    """The dotted paths of every string (keys included) in a JSON value that cannot be stored."""
    found: list[str] = []
    if isinstance(value, str):
        if has_unstorable_text(value):
            found.append(where)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            bad_key = has_unstorable_text(str(key))
            path = f"{where}.<key>" if bad_key else f"{where}.{key}"
            found.extend([path] if bad_key else [])
            found.extend(unstorable_fields(item, path))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(unstorable_fields(item, f"{where}.{index}"))
    return found


def _body_fields(body: bytes, content_type: str) -> list[str]:
    lowered = body.lower()
    if "json" in content_type:
        if not any(hint in lowered for hint in _JSON_HINTS):
            return []  # the fast path: nothing in the raw text could decode to an unstorable character
        try:
            return unstorable_fields(json.loads(body))
        except ValueError:
            return []  # not JSON: the route's own parsing answers 422
    if "x-www-form-urlencoded" in content_type:
        if b"\x00" not in body and _FORM_HINT not in lowered:
            return []
        pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
        return [f"body.{k}" for k, v in pairs if "\x00" in k or "\x00" in v]
    return []


async def refuse_unstorable_text(request: Request) -> None:
    """App-wide dependency (the app factory installs it): 422 `unstorable_text` naming each field that
    holds NUL or a lone surrogate, in the path, the query or a JSON/form body. Nothing is read twice:
    Starlette keeps the body for the route."""
    fields = ["path"] if has_unstorable_text(request.scope.get("path", "")) else []
    fields += [f"query.{key}" for key, value in request.query_params.multi_items()
               if has_unstorable_text(key) or has_unstorable_text(value)]
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        fields += _body_fields(await request.body(), request.headers.get("content-type", "").lower())
    if fields:
        raise InvalidInput(
            "Text cannot contain the NUL character (\\u0000) or unpaired surrogates: remove them and try again.",
            code="unstorable_text", details=[{"field": field, "message": "unstorable character"} for field in fields])


NOT_SENT: Any = None
"""The default of a `PatchBody` field that cannot be emptied: `first_name: Name = NOT_SENT`. It is
None, and only marks "not sent" (`changes()` leaves the field out); an explicit `null` still fails
the field's type (422). Typed Any so that the field keeps its non-null type, in the code and in the
OpenAPI document, instead of a `| None` that would say null is accepted."""


class PatchBody(BaseModel):
    """Base of every PATCH body: a field left out is unchanged; a field sent is set.

    Declare a field that cannot be empty as `first_name: Name = NOT_SENT` (or `Field(NOT_SENT, ...)`;
    an explicit `null` then fails validation, 422); declare one that can be cleared as
    `notes: Text | None = None`. `changes()` gives only what was sent. Unknown fields are refused.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    def changes(self) -> dict[str, Any]:
        """{field: new value} for the fields the caller sent, nested models as dicts."""
        return self.model_dump(exclude_unset=True)


def parse_form(model: type[ModelT], form: Mapping[str, Any]) -> ModelT:
    """A form-encoded payload (a provider's webhook) as `model`, or InvalidInput (422,
    `invalid_payload`) listing each bad field: a missing `MessageSid` or `NumMedia=two` is the
    caller's error, not ours."""
    try:
        return model.model_validate(dict(form))
    except ValidationError as error:
        details = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
                   for e in error.errors(include_url=False, include_context=False, include_input=False)]
        raise InvalidInput("The payload is not valid: see details for each field.", code="invalid_payload",
                           details=details) from None
