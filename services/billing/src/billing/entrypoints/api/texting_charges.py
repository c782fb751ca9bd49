"""The API of texting charges (R-BILL-5): every billing period of the company's texting and every
texting transaction. Admins and office managers only (staff and clients have no billing access).
Thin: parse, call one use case, shape the answer. Months are the company's local `YYYY-MM`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from petcare_kit.identity import MANAGERS, allow
from petcare_kit.validation import Limit, Month, Offset
from pydantic import BaseModel

from billing.domain.texting_charges import Period, Transaction
from billing.entrypoints.api.deps import ContextDep
from billing.service_layer import texting_charges
from billing.service_layer.texting_charges_commands import ListTextingTransactions

router = APIRouter(tags=["texting charges"])


class TextingChargeView(BaseModel):
    kind: str
    """number_fee or overage."""
    description: str
    cents: int


class TextingPeriodView(BaseModel):
    """One local month. While `open`, only the texts counted so far are known (the rest is null);
    once `closed`, its bill: allowance (250 × active staff, R-BILL-2), rollover in and out (R-BILL-3),
    overage texts and cents at $0.025 (R-BILL-4), the $10 number fee (R-BILL-1), the total."""

    month: str
    status: Literal["open", "closed"]
    texts_sent: int
    texts_received: int
    texts_used: int
    active_staff: int | None = None
    allowance: int | None = None
    rolled_over_in: int | None = None
    rolled_over_out: int | None = None
    overage_texts: int | None = None
    number_fee_cents: int | None = None
    overage_cents: int | None = None
    total_cents: int | None = None
    charges: list[TextingChargeView] = []
    closed_at: datetime | None = None
    closed_by: str | None = None
    """texting (its month_closed) or billing (its job, when texting's close did not come)."""

    @classmethod
    def of(cls, period: Period) -> TextingPeriodView:
        view = cls(month=period.month, status="closed" if period.is_closed else "open",
                   texts_sent=period.texts_sent, texts_received=period.texts_received,
                   texts_used=period.texts_sent + period.texts_received, closed_at=period.closed_at,
                   closed_by=period.closed_by)
        bill = period.bill
        if bill is None:
            return view
        return view.model_copy(update={
            "active_staff": bill.active_staff, "allowance": bill.allowance, "rolled_over_in": bill.rolled_over_in,
            "rolled_over_out": bill.rolled_over_out, "overage_texts": bill.overage_texts,
            "number_fee_cents": bill.number_fee_cents, "overage_cents": bill.overage_cents,
            "total_cents": bill.total_cents,
            "charges": [TextingChargeView(kind=c.kind, description=c.description, cents=c.cents)
                        for c in bill.charges()]})


class TextingPeriodList(BaseModel):
    items: list[TextingPeriodView]


class TextingTransactionView(BaseModel):
    """A text sent or received (`units` texts, no cents) or a month's charge (`cents`)."""

    id: UUID
    month: str
    kind: str
    """text_sent, text_received, number_fee or overage."""
    description: str
    occurred_at: datetime
    units: int
    cents: int
    text_id: UUID | None

    @classmethod
    def of(cls, t: Transaction) -> TextingTransactionView:
        return cls(id=t.id, month=t.month, kind=t.kind, description=t.description, occurred_at=t.occurred_at,
                   units=t.units, cents=t.cents, text_id=t.text_id)


class TextingTransactionPage(BaseModel):
    items: list[TextingTransactionView]
    total: int
    """How many transactions the period has."""
    limit: int
    offset: int


@router.get("/texting-charges", response_model=TextingPeriodList, **allow(*MANAGERS))
async def list_texting_periods(ctx: ContextDep) -> TextingPeriodList:
    """R-BILL-5: every billing period of the company's texting, newest first."""
    return TextingPeriodList(items=[TextingPeriodView.of(p) for p in await texting_charges.list_periods(ctx)])


@router.get("/texting-charges/{month}/transactions", response_model=TextingTransactionPage, **allow(*MANAGERS))
async def list_texting_transactions(month: Month, ctx: ContextDep, limit: Limit = 50,
                                    offset: Offset = 0) -> TextingTransactionPage:
    """R-BILL-5: the period's transactions (every text, then its charges), oldest first. A month
    with no period has none. 422 for a month that is not `YYYY-MM`."""
    found, total = await texting_charges.list_transactions(
        ctx, ListTextingTransactions(month=month, limit=limit, offset=offset))
    return TextingTransactionPage(items=[TextingTransactionView.of(t) for t in found], total=total, limit=limit,
                                  offset=offset)
