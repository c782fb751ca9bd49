"""What the payments use cases need from storage: Stripe customers, saved cards, payment attempts,
payments and refunds (R-PAY-1..4, R-EMAIL-3, R-EMAIL-4).
Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol


class Payments(Protocol):
    """The payments repository (SQL: adapters/payments.py; in memory:
    tests/unit/fakes_payments.py)."""
