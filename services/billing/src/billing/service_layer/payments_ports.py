"""What the payments use cases need from storage and from Stripe: Stripe customers, saved cards,
payment attempts, payments and refunds (R-PAY-1..4, R-EMAIL-3, R-EMAIL-4).
Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from billing.domain.payments import CardDetails, ChargeOutcome, PaymentAttempt, Refund, SavedCard


@dataclass(frozen=True)
class ClientContact:
    """A client of the company as the clients directory knows them (for their Stripe customer)."""

    client_id: UUID
    name: str | None
    email: str | None


class Payments(Protocol):
    """The payments repository (SQL: adapters/payments.py; in memory:
    tests/unit/fakes_payments.py)."""

    async def client(self, company_id: UUID, client_id: UUID) -> ClientContact | None:
        """The company's client (the directory read model), or None (unknown, staff, another company's)."""
        ...

    async def customer_of(self, company_id: UUID, client_id: UUID) -> str | None:
        """The client's Stripe customer id (`cus_...`), if they have one."""
        ...

    async def add_customer(self, company_id: UUID, client_id: UUID, customer_id: str) -> None: ...

    async def add_card(self, card: SavedCard) -> None: ...

    async def cards(self, company_id: UUID, client_id: UUID) -> list[SavedCard]:
        """The client's saved cards, oldest first."""
        ...

    async def card(self, company_id: UUID, card_id: UUID) -> SavedCard | None: ...

    async def remove_card(self, company_id: UUID, card_id: UUID) -> None: ...

    async def add_attempt(self, attempt: PaymentAttempt, *, recover_at: datetime) -> None:
        """Store a new attempt. Raises PaymentInProgress if its request key is taken meanwhile."""
        ...

    async def attempt(self, company_id: UUID, payment_id: UUID, *, lock: bool = False) -> PaymentAttempt | None:
        """The attempt (with its refunds); `lock`: row-locked for this transaction."""
        ...

    async def attempt_by_key(self, company_id: UUID, requested_by: UUID, request_key: str) -> PaymentAttempt | None:
        """The attempt this person started with this Idempotency-Key, if any."""
        ...

    async def open_attempts_on(self, company_id: UUID, invoice_ids: Sequence[UUID]) -> list[UUID]:
        """Ids of open attempts (started, intent created) paying any of these invoices."""
        ...

    async def save_attempt(self, attempt: PaymentAttempt, *, recover_at: datetime | None = None) -> None:
        """Store the attempt's status, intent id, failure and refunded cents (and when to recover it)."""
        ...

    async def payments_of(self, company_id: UUID, client_id: UUID, *, limit: int, offset: int) -> list[PaymentAttempt]:
        """The client's attempts that charged or tried to (newest first), with their refunds."""
        ...

    async def add_refund(self, company_id: UUID, refund: Refund, *, requested_by: UUID | None,
                         recover_at: datetime, request_key: str | None = None,
                         request_hash: str | None = None) -> None:
        """Store a new pending refund. Raises PaymentInProgress if its request key is taken meanwhile."""
        ...

    async def refund_by_key(self, company_id: UUID, requested_by: UUID, request_key: str) -> Refund | None:
        """The refund this person asked for with this Idempotency-Key, if any."""
        ...

    async def refund(self, company_id: UUID, refund_id: UUID, *, lock: bool = False) -> Refund | None: ...

    async def save_refund(self, company_id: UUID, refund: Refund) -> None:
        """Store the refund's status, Stripe id and failure."""
        ...


class CardProcessor(Protocol):
    """Stripe, as payments use it (adapters/stripe_gateway.py; a fake in tests/unit/fakes_payments.py).
    Raises CardDeclined, InvalidPaymentMethod or CardProcessorUnavailable (domain/payments.py)."""

    async def create_customer(self, *, company_id: str, client_id: str, email: str | None, name: str | None,
                              idempotency_key: str) -> str: ...

    async def attach_card(self, *, customer_id: str, payment_method_id: str) -> CardDetails: ...

    async def detach_card(self, payment_method_id: str) -> None: ...

    async def create_intent(self, *, customer_id: str, payment_method_id: str, amount_cents: int, currency: str,
                            attempt_id: str, metadata: dict[str, str]) -> str:
        """An UNCONFIRMED payment intent (nothing charged yet); returns its id."""
        ...

    async def confirm_intent(self, payment_intent_id: str) -> ChargeOutcome:
        """Confirm (charge); a decline is an outcome. CardProcessorUnavailable: outcome unknown."""
        ...

    async def payment_intent(self, payment_intent_id: str) -> ChargeOutcome: ...

    async def cancel_intent(self, payment_intent_id: str) -> ChargeOutcome: ...

    async def refund(self, *, payment_intent_id: str, amount_cents: int, refund_id: str) -> str:
        """Refund part or all of a succeeded intent; returns Stripe's refund id (`re_...`)."""
        ...

    async def find_refund(self, *, payment_intent_id: str, refund_id: str) -> str | None:
        """Stripe's id of the refund carrying our `refund_id` in its metadata, if Stripe has one."""
        ...

