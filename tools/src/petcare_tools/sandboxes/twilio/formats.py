"""Twilio's JSON shapes: resources, list pages, dates, and form fields turned into resource fields.

Two API generations are served. 2010-04-01 (messages, numbers): RFC 2822 dates, relative `uri`s,
paging fields beside the list. v1 (messaging, trusthub): ISO 8601 dates, absolute `url`s on the
product's real host (the SDK's sandbox HTTP client rewrites them), paging under `meta`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request

from .errors import INVALID_PARAMETER, TwilioApiError
from .state import Message, PhoneNumber

DEFAULT_PAGE_SIZE = 50
LIST_VALUED_FIELDS = {"MessageSamples", "OptInKeywords", "OptOutKeywords", "HelpKeywords"}


def rfc2822(moment: datetime | None) -> str | None:
    return None if moment is None else format_datetime(moment)


def iso8601(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def message_json(message: Message) -> dict[str, Any]:
    uri = f"/2010-04-01/Accounts/{message.account_sid}/Messages/{message.sid}"
    return {
        "account_sid": message.account_sid,
        "api_version": "2010-04-01",
        "body": message.body,
        "date_created": rfc2822(message.date_created),
        "date_sent": rfc2822(message.date_sent),
        "date_updated": rfc2822(message.date_updated),
        "direction": message.direction,
        "error_code": message.error_code,
        "error_message": None,
        "from": message.from_,
        "messaging_service_sid": message.messaging_service_sid,
        "num_media": str(len(message.media_urls)),
        "num_segments": str(message.num_segments),
        "price": None,
        "price_unit": "USD",
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {"media": f"{uri}/Media.json", "feedback": f"{uri}/Feedback.json"},
        "to": message.to,
        "uri": f"{uri}.json",
    }


def phone_number_json(number: PhoneNumber) -> dict[str, Any]:
    return {
        "account_sid": number.account_sid,
        "address_requirements": "none",
        "api_version": "2010-04-01",
        "beta": False,
        "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
        "date_created": rfc2822(number.date_created),
        "date_updated": rfc2822(number.date_updated),
        "friendly_name": number.friendly_name,
        "origin": "twilio",
        "phone_number": number.phone_number,
        "sid": number.sid,
        "sms_method": number.sms_method,
        "sms_url": number.sms_url,
        "status": "in-use",
        "status_callback": number.status_callback,
        "uri": f"/2010-04-01/Accounts/{number.account_sid}/IncomingPhoneNumbers/{number.sid}.json",
    }


def snake_case(name: str) -> str:
    """Twilio's parameter names to its JSON field names: `A2PProfileBundleSid` → `a2p_profile_bundle_sid`."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z0-9])(?=[A-Z][a-z])", "_", name).lower()


def form_fields(form: FormData) -> dict[str, Any]:
    """A create/update form as resource fields: snake_case names, booleans, lists, JSON attributes."""
    fields: dict[str, Any] = {}
    for name in form.keys():
        values = [str(v) for v in form.getlist(name)]
        value: Any = values if name in LIST_VALUED_FIELDS else values[-1]
        if name == "Attributes":
            value = _json_attributes(value)
        elif value in ("true", "false"):
            value = value == "true"
        fields[snake_case(name)] = value
    return fields


def _json_attributes(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError as error:
        raise TwilioApiError(INVALID_PARAMETER, f"Attributes must be a JSON object: {error}") from error


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a list the SDK asked for, and how to link to the next one."""

    host: str
    path: str
    """The path on the product's own host (`/2010-04-01/...`, `/v1/...`)."""
    filters: list[tuple[str, str]]
    page: int
    page_size: int

    @classmethod
    def of(cls, request: Request) -> PageRequest:
        product, path = request.url.path.lstrip("/").split("/", 1)
        query = request.query_params
        return cls(
            host=f"https://{product}.twilio.com",
            path=f"/{path}",
            filters=[(k, v) for k, v in query.multi_items() if k not in ("Page", "PageSize", "PageToken")],
            page=int(query.get("Page", 0)),
            page_size=int(query.get("PageSize", DEFAULT_PAGE_SIZE)),
        )

    def page_uri(self, page: int) -> str:
        query = urlencode([*self.filters, ("PageSize", self.page_size), ("Page", page)])
        return f"{self.path}?{query}"

    def slice(self, items: list[Any]) -> tuple[list[Any], bool]:
        start = self.page * self.page_size
        return items[start : start + self.page_size], len(items) > start + self.page_size


def v2010_page(key: str, items: list[dict[str, Any]], request: PageRequest) -> dict[str, Any]:
    shown, has_more = request.slice(items)
    start = request.page * request.page_size
    return {
        key: shown,
        "first_page_uri": request.page_uri(0),
        "next_page_uri": request.page_uri(request.page + 1) if has_more else None,
        "previous_page_uri": request.page_uri(request.page - 1) if request.page > 0 else None,
        "page": request.page,
        "page_size": request.page_size,
        "start": start,
        "end": start + max(len(shown) - 1, 0),
        "uri": request.page_uri(request.page),
    }


def v1_page(key: str, items: list[dict[str, Any]], request: PageRequest) -> dict[str, Any]:
    shown, has_more = request.slice(items)

    def url(page: int) -> str:
        return request.host + request.page_uri(page)

    return {
        key: shown,
        "meta": {
            "page": request.page,
            "page_size": request.page_size,
            "first_page_url": url(0),
            "previous_page_url": url(request.page - 1) if request.page > 0 else None,
            "url": url(request.page),
            "next_page_url": url(request.page + 1) if has_more else None,
            "key": key,
        },
    }
