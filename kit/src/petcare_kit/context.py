"""Per-request / per-message context carried through logs and into the events a change causes."""

from __future__ import annotations

from contextvars import ContextVar
from uuid import uuid4

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str:
    """The correlation id of the request or message being handled; a new one outside of both."""
    return correlation_id_var.get() or str(uuid4())
