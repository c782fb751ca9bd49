"""What billing does with `scheduling.events`: visits become invoice lines (R-INV-1, R-INV-2), a
cancelled visit keeps a cancellation fee and gives its package redemption back (R-PKG-1), a deleted
visit leaves its invoice. Handlers never commit: the consumer's batch does."""

from __future__ import annotations

from petcare_contracts import EventPayload
from petcare_kit.consumer import EventRouter

EVENTS: tuple[type[EventPayload], ...] = ()
"""The scheduling event types billing handles (declared in bootstrap's HANDLES)."""


def register(router: EventRouter) -> None:
    """Add a handler for each of EVENTS."""
