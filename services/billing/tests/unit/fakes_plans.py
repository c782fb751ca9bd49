"""In-memory plans repository for unit tests: the use cases run on it exactly as on SQL."""

from __future__ import annotations


class FakePlans:
    """The plans repository in memory."""
