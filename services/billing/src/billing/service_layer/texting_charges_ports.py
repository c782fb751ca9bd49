"""What the texting charges use cases need from storage: numbers held, usage, periods and their charges
(R-BILL-1..5).
Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol


class TextingCharges(Protocol):
    """The texting charges repository (SQL: adapters/texting_charges.py; in memory:
    tests/unit/fakes_texting_charges.py)."""
