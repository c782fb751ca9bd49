"""What the invoices use cases need from storage: invoices, their lines, company billing settings and
per-client rates (R-INV-1..4, R-EMAIL-5, R-NEVER-1).
Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol


class Invoices(Protocol):
    """The invoices repository (SQL: adapters/invoices.py; in memory:
    tests/unit/fakes_invoices.py)."""
