"""What billing does with `texting.events`: numbers held (R-BILL-1), usage per text and closed months
(R-BILL-2..5), counted in the company's local calendar months. Handlers never commit: the batch does."""

from __future__ import annotations

from petcare_contracts import EventPayload
from petcare_kit.consumer import EventRouter

EVENTS: tuple[type[EventPayload], ...] = ()
"""The texting event types billing handles (declared in bootstrap's HANDLES)."""


def register(router: EventRouter) -> None:
    """Add a handler for each of EVENTS."""
