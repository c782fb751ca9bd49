"""In-memory payments repository and a fake Stripe for unit tests: the use cases run on them exactly as
on SQL and the Stripe adapter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from billing.domain.payments import (
    CardDeclined,
    CardDetails,
    CardProcessorUnavailable,
    ChargeOutcome,
    InvalidPaymentMethod,
    PaymentAttempt,
    PaymentInProgress,
    Refund,
    SavedCard,
)
from billing.service_layer.payments_ports import ClientContact


class FakePayments:
    """The payments repository in memory. `clients`: (company, client) → contact (the directory)."""

    def __init__(self) -> None:
        self.clients: dict[tuple[UUID, UUID], ClientContact] = {}
        self.customers: dict[tuple[UUID, UUID], str] = {}
        self.saved: dict[UUID, SavedCard] = {}
        self.attempts: dict[UUID, PaymentAttempt] = {}
        self.recover_at: dict[UUID, datetime] = {}
        self.refunds: dict[UUID, tuple[UUID, Refund]] = {}
        self.refund_keys: dict[tuple[UUID, UUID | None, str], UUID] = {}

    async def client(self, company_id: UUID, client_id: UUID) -> ClientContact | None:
        return self.clients.get((company_id, client_id))

    async def customer_of(self, company_id: UUID, client_id: UUID) -> str | None:
        return self.customers.get((company_id, client_id))

    async def add_customer(self, company_id: UUID, client_id: UUID, customer_id: str) -> None:
        assert (company_id, client_id) not in self.customers
        self.customers[company_id, client_id] = customer_id

    async def add_card(self, card: SavedCard) -> None:
        self.saved[card.id] = card

    async def cards(self, company_id: UUID, client_id: UUID) -> list[SavedCard]:
        return [c for c in self.saved.values() if c.company_id == company_id and c.client_id == client_id]

    async def card(self, company_id: UUID, card_id: UUID) -> SavedCard | None:
        card = self.saved.get(card_id)
        return card if card and card.company_id == company_id else None

    async def remove_card(self, company_id: UUID, card_id: UUID) -> None:
        self.saved.pop(card_id, None)

    async def add_attempt(self, attempt: PaymentAttempt, *, recover_at: datetime) -> None:
        if attempt.request_key is not None and any(
                a.request_key == attempt.request_key and a.requested_by == attempt.requested_by
                and a.company_id == attempt.company_id for a in self.attempts.values()):
            raise PaymentInProgress("duplicate key")
        self.attempts[attempt.id] = attempt
        self.recover_at[attempt.id] = recover_at

    async def attempt(self, company_id: UUID, payment_id: UUID, *, lock: bool = False) -> PaymentAttempt | None:
        found = self.attempts.get(payment_id)
        if found is None or found.company_id != company_id:
            return None
        return replace(found, refunds=tuple(r for c, r in self.refunds.values() if r.payment_id == payment_id))

    async def attempt_by_key(self, company_id: UUID, requested_by: UUID, request_key: str) -> PaymentAttempt | None:
        for a in self.attempts.values():
            if (a.company_id, a.requested_by, a.request_key) == (company_id, requested_by, request_key):
                return await self.attempt(company_id, a.id)
        return None

    async def open_attempts_on(self, company_id: UUID, invoice_ids: Sequence[UUID]) -> list[UUID]:
        return [a.id for a in self.attempts.values()
                if a.company_id == company_id and a.is_open and set(a.invoice_ids) & set(invoice_ids)]

    async def save_attempt(self, attempt: PaymentAttempt, *, recover_at: datetime | None = None) -> None:
        assert attempt.id in self.attempts
        self.attempts[attempt.id] = replace(attempt, refunds=())
        if recover_at is not None:
            self.recover_at[attempt.id] = recover_at

    async def payments_of(self, company_id: UUID, client_id: UUID, *, limit: int, offset: int) -> list[PaymentAttempt]:
        found = [a for a in self.attempts.values() if a.company_id == company_id and a.client_id == client_id]
        return [a for a in [await self.attempt(company_id, f.id) for f in reversed(found)][offset:offset + limit] if a]

    async def add_refund(self, company_id: UUID, refund: Refund, *, requested_by: UUID | None,
                         recover_at: datetime, request_key: str | None = None,
                         request_hash: str | None = None) -> None:
        if request_key is not None and (company_id, requested_by, request_key) in self.refund_keys:
            raise PaymentInProgress("duplicate key")
        self.refunds[refund.id] = (company_id, refund)
        if request_key is not None:
            self.refund_keys[company_id, requested_by, request_key] = refund.id

    async def refund_by_key(self, company_id: UUID, requested_by: UUID, request_key: str) -> Refund | None:
        refund_id = self.refund_keys.get((company_id, requested_by, request_key))
        return self.refunds[refund_id][1] if refund_id else None

    async def refund(self, company_id: UUID, refund_id: UUID, *, lock: bool = False) -> Refund | None:
        found = self.refunds.get(refund_id)
        return found[1] if found and found[0] == company_id else None

    async def save_refund(self, company_id: UUID, refund: Refund) -> None:
        assert refund.id in self.refunds
        self.refunds[refund.id] = (company_id, refund)


@dataclass
class FakeIntent:
    id: str
    amount_cents: int
    payment_method_id: str
    attempt_id: str
    status: str = "requires_confirmation"
    refunds: dict[str, int] = field(default_factory=dict)
    """Our refund id → cents."""


@dataclass
class FakeCardProcessor:
    """Stripe in memory, with localstripe's test cards: `pm_card_visa` succeeds,
    `pm_card_chargeCustomerFail` is declined when charged, `pm_card_authenticationRequired` needs
    authentication, `pm_card_visa_chargeDeclined` is refused when saved. `down`: every call raises
    CardProcessorUnavailable; `lose_confirm_answer`: the charge happens but its answer is lost."""

    intents: dict[str, FakeIntent] = field(default_factory=dict)
    customers: list[str] = field(default_factory=list)
    attached: dict[str, str] = field(default_factory=dict)
    down: bool = False
    lose_confirm_answer: bool = False
    confirmations: int = 0

    def _up(self) -> None:
        if self.down:
            raise CardProcessorUnavailable("Stripe is down")

    async def create_customer(self, *, company_id: str, client_id: str, email: str | None, name: str | None,
                              idempotency_key: str) -> str:
        self._up()
        self.customers.append(f"cus_{len(self.customers) + 1}")
        return self.customers[-1]

    async def attach_card(self, *, customer_id: str, payment_method_id: str) -> CardDetails:
        self._up()
        if payment_method_id == "pm_card_visa_chargeDeclined":
            raise CardDeclined("Your card was declined.", details={"decline_code": "card_declined"})
        if not payment_method_id.startswith("pm_card_"):
            raise InvalidPaymentMethod("No such PaymentMethod")
        self.attached[payment_method_id] = customer_id
        return CardDetails(payment_method_id, "visa", "4242", 12, 2030)

    async def detach_card(self, payment_method_id: str) -> None:
        self._up()
        self.attached.pop(payment_method_id, None)

    async def create_intent(self, *, customer_id: str, payment_method_id: str, amount_cents: int, currency: str,
                            attempt_id: str, metadata: dict[str, str]) -> str:
        self._up()
        intent = FakeIntent(f"pi_{len(self.intents) + 1}", amount_cents, payment_method_id, attempt_id)
        self.intents[intent.id] = intent
        return intent.id

    async def confirm_intent(self, payment_intent_id: str) -> ChargeOutcome:
        self._up()
        intent = self.intents[payment_intent_id]
        assert intent.status == "requires_confirmation", "confirmed twice"
        self.confirmations += 1
        if intent.payment_method_id == "pm_card_chargeCustomerFail":
            intent.status = "declined"
            return ChargeOutcome("declined", intent.id, "card_declined", "Your card was declined.")
        intent.status = ("requires_action" if intent.payment_method_id == "pm_card_authenticationRequired"
                         else "succeeded")
        if self.lose_confirm_answer:
            raise CardProcessorUnavailable("timed out")
        return ChargeOutcome(intent.status, intent.id)  # type: ignore[arg-type]

    async def payment_intent(self, payment_intent_id: str) -> ChargeOutcome:
        self._up()
        intent = self.intents[payment_intent_id]
        if intent.status == "declined":
            return ChargeOutcome("declined", intent.id, "card_declined", "Your card was declined.")
        return ChargeOutcome(intent.status, intent.id)  # type: ignore[arg-type]

    async def cancel_intent(self, payment_intent_id: str) -> ChargeOutcome:
        self._up()
        intent = self.intents[payment_intent_id]
        assert intent.status in ("requires_confirmation", "requires_action")
        intent.status = "canceled"
        return ChargeOutcome("canceled", intent.id)

    async def refund(self, *, payment_intent_id: str, amount_cents: int, refund_id: str) -> str:
        self._up()
        intent = self.intents[payment_intent_id]
        assert intent.status == "succeeded" and sum(intent.refunds.values()) + amount_cents <= intent.amount_cents
        intent.refunds[refund_id] = amount_cents
        return f"re_{refund_id[:8]}"

    async def find_refund(self, *, payment_intent_id: str, refund_id: str) -> str | None:
        self._up()
        return f"re_{refund_id[:8]}" if refund_id in self.intents[payment_intent_id].refunds else None

    def succeeded(self) -> list[FakeIntent]:
        return [i for i in self.intents.values() if i.status == "succeeded"]
