"""In-memory texting charges repository for unit tests: the use cases run on it exactly as on SQL."""

from __future__ import annotations


class FakeTextingCharges:
    """The texting charges repository in memory."""
