"""A company (tenant) and the directory's settings of it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from petcare_kit.errors import InvalidInput

PortalRequestMode = Literal["general_message", "specific_visits"]


@dataclass(frozen=True)
class CompanySettings:
    name: str
    time_zone: str
    portal_request_mode: PortalRequestMode = "general_message"
    """R-REQ-1: "Client Sends General Message" or "Client Makes Request Against Specific Visits"."""
    cancellations_auto_approve: bool = False
    notify_client_when_visit_starts: bool = False
    """The mobile-app setting that Event Started texts also need (R-DELIV-8)."""


@dataclass(frozen=True)
class Company:
    id: UUID
    slug: str
    settings: CompanySettings


def check_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"Unknown time zone {name!r}; use an IANA name such as America/New_York.",
                           code="unknown_time_zone") from None
    if name not in available_timezones():
        raise InvalidInput(f"Unknown time zone {name!r}.", code="unknown_time_zone")
    return name


def slug_for(name: str) -> str:
    """The company's sign-in handle: `Happy Paws NYC` → `happy-paws-nyc`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:50] or "company"
