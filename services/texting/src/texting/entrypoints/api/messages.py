"""The messages log (R-TEXT-10), usage (R-TEXT-13), Unassigned Messages (R-TEXT-8, R-TEXT-9) and
number validity (R-TEXT-11). Each route builds the command, calls the use case and shapes the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Query
from petcare_kit.identity import MANAGERS, STAFF_ROLES, allow
from petcare_kit.validation import Month

from texting.entrypoints.api.deps import ContextDep
from texting.entrypoints.api.schemas import AssignedView, MessagesLogView, UnassignedView, UsageView, ValidityView
from texting.service_layer import messages
from texting.service_layer.commands import (
    Assign,
    CheckValidity,
    ListMessages,
    ListUnassigned,
    MonthUsage,
)

router = APIRouter(tags=["texts"])


@router.get("/messages", response_model=MessagesLogView, **allow(*MANAGERS))
async def messages_log(ctx: ContextDep, direction: Literal["outbound", "inbound"] | None = None,
                       status: str | None = Query(None, max_length=20), person_id: UUID | None = None,
                       since: datetime | None = None, until: datetime | None = None,
                       limit: int = Query(100, ge=1, le=500)) -> MessagesLogView:
    """R-TEXT-10: every text sent, received or failed, newest first, with the totals used."""
    command = ListMessages(direction=direction, status=status, person_id=person_id, since=since, until=until,
                           limit=limit)
    return MessagesLogView.of(await messages.messages_log(ctx, command))


@router.get("/usage", response_model=UsageView, **allow(*MANAGERS))
async def monthly_usage(ctx: ContextDep, month: Month | None = None) -> UsageView:
    """R-TEXT-10, R-TEXT-13: texts used in the company's LOCAL calendar month `YYYY-MM` (its time
    zone; default: the current one). Sent and received count; failed sends do not."""
    month = month or await messages.current_month(ctx)
    return UsageView.of(month, await messages.month_usage(ctx, MonthUsage(month=month)))


@router.get("/unassigned", response_model=list[UnassignedView], **allow(*MANAGERS))
async def unassigned_messages(ctx: ContextDep, include_assigned: bool = False) -> list[UnassignedView]:
    """R-TEXT-9, R-TEXT-8: each names its candidates when its number is shared by several people."""
    found = await messages.unassigned_messages(ctx, ListUnassigned(include_assigned=include_assigned))
    return [UnassignedView.of(waiting) for waiting in found]


@router.post("/unassigned/{unassigned_id}/assign", response_model=AssignedView, **allow(*MANAGERS))
async def assign(unassigned_id: UUID, body: Assign, ctx: ContextDep) -> AssignedView:
    """R-TEXT-9: give it to a client or staff member; it joins their conversation feed."""
    message = await messages.assign(ctx, unassigned_id, body)
    assert message.assigned_to is not None and message.assigned_kind is not None
    return AssignedView(assigned_to=message.assigned_to, kind=message.assigned_kind)


@router.get("/validity", response_model=list[ValidityView], **allow(*STAFF_ROLES))
async def validity(ctx: ContextDep, kind: Literal["client", "staff"] | None = None) -> list[ValidityView]:
    """R-TEXT-11: whether each person's mobile number conforms to telecom numbering and is in the USA
    or Canada. Valid is not a promise that it can receive texts."""
    return [ValidityView.of(v) for v in await messages.validity(ctx, CheckValidity(kind=kind))]
