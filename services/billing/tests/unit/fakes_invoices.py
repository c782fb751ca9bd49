"""In-memory invoices repository for unit tests: the use cases run on it exactly as on SQL."""

from __future__ import annotations


class FakeInvoices:
    """The invoices repository in memory."""
