"""What the packages use cases need from storage: packages, clients' packages and redemptions (R-PKG-1).
Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol


class Packages(Protocol):
    """The packages repository (SQL: adapters/packages.py; in memory: tests/unit/fakes_packages.py)."""
