"""In-memory payments repository for unit tests: the use cases run on it exactly as on SQL."""

from __future__ import annotations


class FakePayments:
    """The payments repository in memory."""
