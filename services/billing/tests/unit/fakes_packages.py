"""In-memory packages repository for unit tests: the use cases run on it exactly as on SQL."""

from __future__ import annotations


class FakePackages:
    """The packages repository in memory."""
