"""SQL for Stripe customers, saved cards, payment attempts, payments and refunds (R-PAY-1..4, R-EMAIL-3,
R-EMAIL-4). Never commits: the unit of work does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from petcare_kit.background import claim_due
from petcare_kit.client_directory import Directory
from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.payments_tables import (
    payment_allocations,
    payment_refunds,
    payments,
    saved_cards,
    stripe_customers,
)
from billing.domain.payments import (
    OPEN,
    Allocation,
    AttemptStatus,
    InitiatedBy,
    PaymentAttempt,
    PaymentInProgress,
    Refund,
    RefundStatus,
    SavedCard,
)
from billing.service_layer.payments_ports import ClientContact


class SqlPayments:
    """The payments repository on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def client(self, company_id: UUID, client_id: UUID) -> ClientContact | None:
        person = await Directory(self.session).person(company_id, client_id)
        if person is None or person.kind != "client":
            return None
        return ClientContact(person.person_id, person.name or None, person.email)

    async def customer_of(self, company_id: UUID, client_id: UUID) -> str | None:
        return cast(str | None, await self.session.scalar(select(stripe_customers.c.customer_id).where(
            stripe_customers.c.company_id == company_id, stripe_customers.c.client_id == client_id)))

    async def add_customer(self, company_id: UUID, client_id: UUID, customer_id: str) -> None:
        await self.session.execute(insert(stripe_customers).values(
            company_id=company_id, client_id=client_id, customer_id=customer_id))

    async def add_card(self, card: SavedCard) -> None:
        await self.session.execute(insert(saved_cards).values(
            id=card.id, company_id=card.company_id, client_id=card.client_id, customer_id=card.customer_id,
            payment_method_id=card.payment_method_id, brand=card.brand, last4=card.last4,
            exp_month=card.exp_month, exp_year=card.exp_year))

    async def cards(self, company_id: UUID, client_id: UUID) -> list[SavedCard]:
        rows = await self.session.execute(select(saved_cards).where(
            saved_cards.c.company_id == company_id, saved_cards.c.client_id == client_id)
            .order_by(saved_cards.c.created_at, saved_cards.c.id))
        return [_card(row) for row in rows]

    async def card(self, company_id: UUID, card_id: UUID) -> SavedCard | None:
        row = (await self.session.execute(select(saved_cards).where(
            saved_cards.c.company_id == company_id, saved_cards.c.id == card_id))).one_or_none()
        return _card(row) if row else None

    async def remove_card(self, company_id: UUID, card_id: UUID) -> None:
        await self.session.execute(delete(saved_cards).where(
            saved_cards.c.company_id == company_id, saved_cards.c.id == card_id))

    async def add_attempt(self, attempt: PaymentAttempt, *, recover_at: datetime) -> None:
        try:
            async with self.session.begin_nested():  # a duplicate key must not end the transaction
                await self.session.execute(insert(payments).values(
                    id=attempt.id, company_id=attempt.company_id, client_id=attempt.client_id,
                    card_id=attempt.card_id, customer_id=attempt.customer_id,
                    payment_method_id=attempt.payment_method_id, card_brand=attempt.card_brand,
                    card_last4=attempt.card_last4, tip_cents=attempt.tip_cents, amount_cents=attempt.amount_cents,
                    currency=attempt.currency, initiated_by=attempt.initiated_by, requested_by=attempt.requested_by,
                    request_key=attempt.request_key, request_hash=attempt.request_hash,
                    status=attempt.status.value, recover_at=recover_at))
        except IntegrityError as error:
            raise PaymentInProgress("A payment with this Idempotency-Key is under way; retry in a moment.") from error
        await self.session.execute(insert(payment_allocations), [
            {"payment_id": attempt.id, "position": i, "company_id": attempt.company_id,
             "invoice_id": a.invoice_id, "amount_cents": a.amount_cents}
            for i, a in enumerate(attempt.allocations)])

    async def attempt(self, company_id: UUID, payment_id: UUID, *, lock: bool = False) -> PaymentAttempt | None:
        query = select(payments).where(payments.c.company_id == company_id, payments.c.id == payment_id)
        found = await self._attempts(query.with_for_update() if lock else query)
        return found[0] if found else None

    async def attempt_by_key(self, company_id: UUID, requested_by: UUID, request_key: str) -> PaymentAttempt | None:
        found = await self._attempts(select(payments).where(
            payments.c.company_id == company_id, payments.c.requested_by == requested_by,
            payments.c.request_key == request_key))
        return found[0] if found else None

    async def open_attempts_on(self, company_id: UUID, invoice_ids: Sequence[UUID]) -> list[UUID]:
        rows = await self.session.scalars(select(payments.c.id).distinct().join(
            payment_allocations, payment_allocations.c.payment_id == payments.c.id).where(
            payments.c.company_id == company_id, payment_allocations.c.invoice_id.in_(list(invoice_ids)),
            payments.c.status.in_([s.value for s in OPEN])))
        return list(rows)

    async def save_attempt(self, attempt: PaymentAttempt, *, recover_at: datetime | None = None) -> None:
        values: dict[str, Any] = {
            "status": attempt.status.value, "payment_intent_id": attempt.payment_intent_id,
            "failure_code": attempt.failure_code, "failure_message": attempt.failure_message,
            "refunded_cents": attempt.refunded_cents, "updated_at": func.now()}
        if recover_at is not None:
            values["recover_at"] = recover_at
        await self.session.execute(update(payments).where(
            payments.c.company_id == attempt.company_id, payments.c.id == attempt.id).values(values))

    async def payments_of(self, company_id: UUID, client_id: UUID, *, limit: int, offset: int) -> list[PaymentAttempt]:
        return await self._attempts(select(payments).where(
            payments.c.company_id == company_id, payments.c.client_id == client_id)
            .order_by(payments.c.created_at.desc(), payments.c.id).limit(limit).offset(offset))

    async def add_refund(self, company_id: UUID, refund: Refund, *, requested_by: UUID | None,
                         recover_at: datetime, request_key: str | None = None,
                         request_hash: str | None = None) -> None:
        try:
            async with self.session.begin_nested():  # a duplicate key must not end the transaction
                await self.session.execute(insert(payment_refunds).values(
                    id=refund.id, company_id=company_id, payment_id=refund.payment_id,
                    amount_cents=refund.amount_cents, allocations=_allocations_json(refund.allocations),
                    stripe_refund_id=refund.stripe_refund_id, status=refund.status, requested_by=requested_by,
                    request_key=request_key, request_hash=request_hash, recover_at=recover_at))
        except IntegrityError as error:
            raise PaymentInProgress("A refund with this Idempotency-Key is under way; retry in a moment.") from error

    async def refund_by_key(self, company_id: UUID, requested_by: UUID, request_key: str) -> Refund | None:
        row = (await self.session.execute(select(payment_refunds).where(
            payment_refunds.c.company_id == company_id, payment_refunds.c.requested_by == requested_by,
            payment_refunds.c.request_key == request_key))).one_or_none()
        return _refund(row) if row else None

    async def refund(self, company_id: UUID, refund_id: UUID, *, lock: bool = False) -> Refund | None:
        query = select(payment_refunds).where(payment_refunds.c.company_id == company_id,
                                              payment_refunds.c.id == refund_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).one_or_none()
        return _refund(row) if row else None

    async def save_refund(self, company_id: UUID, refund: Refund) -> None:
        await self.session.execute(update(payment_refunds).where(
            payment_refunds.c.company_id == company_id, payment_refunds.c.id == refund.id).values(
            status=refund.status, stripe_refund_id=refund.stripe_refund_id, failure_message=refund.failure_message))

    async def _attempts(self, query: Select[Any]) -> list[PaymentAttempt]:
        rows = (await self.session.execute(query)).all()
        if not rows:
            return []
        ids = [row.id for row in rows]
        allocations: dict[UUID, list[Allocation]] = {i: [] for i in ids}
        for a in await self.session.execute(select(payment_allocations).where(
                payment_allocations.c.payment_id.in_(ids)).order_by(payment_allocations.c.position)):
            allocations[a.payment_id].append(Allocation(a.invoice_id, a.amount_cents))
        refunds: dict[UUID, list[Refund]] = {i: [] for i in ids}
        for r in await self.session.execute(select(payment_refunds).where(
                payment_refunds.c.payment_id.in_(ids)).order_by(payment_refunds.c.created_at)):
            refunds[r.payment_id].append(_refund(r))
        return [_attempt(row, tuple(allocations[row.id]), tuple(refunds[row.id])) for row in rows]


async def claim_open_attempts(session: AsyncSession, *, lease_seconds: float, limit: int) -> list[tuple[UUID, UUID]]:
    """(company id, payment id) of open attempts due for recovery, each claimed for `lease_seconds`
    (SKIP LOCKED: replicas share them). The caller commits."""
    rows = await claim_due(session, payments, state=payments.c.status, due_at=payments.c.recover_at,
                           ready=[s.value for s in OPEN], claimed=None, lease_seconds=lease_seconds, limit=limit)
    return [(row.company_id, row.id) for row in rows]


async def claim_pending_refunds(session: AsyncSession, *, lease_seconds: float, limit: int) -> list[tuple[UUID, UUID]]:
    """(company id, refund id) of pending refunds due for recovery, claimed as above."""
    rows = await claim_due(session, payment_refunds, state=payment_refunds.c.status,
                           due_at=payment_refunds.c.recover_at, ready=["pending"], claimed=None,
                           lease_seconds=lease_seconds, limit=limit)
    return [(row.company_id, row.id) for row in rows]


def _card(row: Any) -> SavedCard:
    return SavedCard(row.id, row.company_id, row.client_id, row.customer_id, row.payment_method_id, row.brand,
                     row.last4, row.exp_month, row.exp_year, row.created_at)


def _attempt(row: Any, allocations: tuple[Allocation, ...], refunds: tuple[Refund, ...]) -> PaymentAttempt:
    return PaymentAttempt(
        id=row.id, company_id=row.company_id, client_id=row.client_id, card_id=row.card_id,
        customer_id=row.customer_id, payment_method_id=row.payment_method_id, card_brand=row.card_brand,
        card_last4=row.card_last4, allocations=allocations, tip_cents=row.tip_cents,
        initiated_by=cast(InitiatedBy, row.initiated_by), requested_by=row.requested_by,
        request_key=row.request_key, request_hash=row.request_hash, currency=row.currency,
        status=AttemptStatus(row.status),
        payment_intent_id=row.payment_intent_id, failure_code=row.failure_code,
        failure_message=row.failure_message, refunded_cents=row.refunded_cents, created_at=row.created_at,
        refunds=refunds)


def _refund(row: Any) -> Refund:
    allocations = tuple(Allocation(UUID(a["invoice_id"]), int(a["amount_cents"])) for a in row.allocations)
    return Refund(row.id, row.payment_id, row.amount_cents, allocations, row.stripe_refund_id,
                  cast(RefundStatus, row.status), row.failure_message, row.created_at, row.request_hash)


def _allocations_json(allocations: Sequence[Allocation]) -> list[dict[str, Any]]:
    return [{"invoice_id": str(a.invoice_id), "amount_cents": a.amount_cents} for a in allocations]
