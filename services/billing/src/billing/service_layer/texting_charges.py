"""Texting charges (R-BILL-1..5): texting's numbers and usage become monthly periods billed in the
company's LOCAL calendar months (its zone from the clients directory read model).

- Every text sent and received (texting.usage.recorded) is a transaction of the history, counted in
  the period of its local month; one that arrives after its month was closed is counted in the first
  open period (its description says so), so no text is lost or billed twice.
- A period closes once (R-BILL-2..4, domain `close_month`): the allowance from the company's active
  staff at the close, the rollover of the previous month's unused texts, the overage and the $10 for
  a number held during the month. Periods close in order, each locked while it is closed, so
  replicas and replays close it once.
- Who closes: texting.usage.month_closed, or billing's own job `grace` after the local month end when
  texting's close has not come (texting down, or a month without texts, which texting never closes).

The consumer-side use cases commit nothing (the consumed batch does); the job's commits per company.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from uuid import UUID

from billing.domain.texting_charges import (
    CLOSED_BY_BILLING,
    CLOSED_BY_TEXTING,
    Holding,
    Period,
    Transaction,
    charge_transactions,
    close_month,
    first_held_month,
    month_bounds,
    month_of,
    months_through,
    next_month,
    number_held_in,
    previous_month,
    text_transaction,
    zone_of,
)
from billing.service_layer.context import Context
from billing.service_layer.texting_charges_commands import (
    CloseDuePeriods,
    CloseTextingMonth,
    ListTextingTransactions,
    RecordNumberProvisioned,
    RecordNumberReleased,
    RecordTextUsage,
)

log = logging.getLogger(__name__)

HELD_LOOKBACK = timedelta(days=62)
"""A number released this long ago has no month left to bill: the job stops looking at its company."""


async def _zone(ctx: Context, company_id: UUID) -> tzinfo:
    """The company's zone (UTC while not known). Raises CompanyNotKnownYet for an unknown company."""
    return zone_of(await ctx.uow.texting_charges.time_zone(company_id))


async def _open_period(ctx: Context, company_id: UUID, month: str) -> Period:
    """The period a text of local `month` counts in, locked: its own, or the first open one after
    it when that month is closed already (also when a replica closed it while we waited)."""
    repo = ctx.uow.texting_charges
    last_closed = await repo.last_closed_month(company_id)
    if last_closed is not None and month <= last_closed:
        month = next_month(last_closed)
    period = await repo.period_for_update(company_id, month)
    while period.is_closed:
        period = await repo.period_for_update(company_id, next_month(period.month))
    return period


async def record_number_provisioned(ctx: Context, command: RecordNumberProvisioned) -> None:
    """R-BILL-1: the company holds a number from `provisioned_at` ($10 for each local month it is
    held in); its month's period is opened so the history shows it."""
    tz = await _zone(ctx, command.company_id)
    await ctx.uow.texting_charges.add_holding(command.company_id, Holding(command.number, command.provisioned_at))
    await _open_period(ctx, command.company_id, month_of(command.provisioned_at, tz))


async def record_number_released(ctx: Context, command: RecordNumberReleased) -> None:
    """R-BILL-1: no fee for the local months after the one the number was released in."""
    await _zone(ctx, command.company_id)
    await ctx.uow.texting_charges.release_holding(command.company_id, command.number, command.released_at)


async def record_text_usage(ctx: Context, command: RecordTextUsage) -> Transaction | None:
    """R-TEXT-13, R-BILL-5: one text sent or received, a transaction counted in the period of its
    local month (of `occurred_at`). A replayed text changes nothing (returns None)."""
    repo = ctx.uow.texting_charges
    occurred_month = month_of(command.occurred_at, await _zone(ctx, command.company_id))
    period = await _open_period(ctx, command.company_id, occurred_month)
    transaction = text_transaction(command.company_id, command.text_id, command.direction, command.units,
                                   command.occurred_at, occurred_month, period.month)
    if not await repo.add_transaction(transaction):
        return None
    await repo.save_period(period.counted(transaction.kind, transaction.units))
    return transaction


async def close_through(ctx: Context, company_id: UUID, through: str, *, by: str) -> list[Period]:
    """R-BILL-2..4: close, in order, every period of the company up to local month `through` not
    closed yet: each month with texts or a number held in it. Rollover comes from the previous
    month's period; a month with neither texts nor a number (no texting at all) has no period, and
    the rollover starts again from 0 after it. Returns the periods closed by this call."""
    repo = ctx.uow.texting_charges
    tz = await _zone(ctx, company_id)
    holdings = await repo.holdings(company_id)
    last_closed = await repo.last_closed_month(company_id)
    if last_closed is not None:
        start: str | None = next_month(last_closed)
    else:
        starts = [m for m in (await repo.first_open_month(company_id), first_held_month(tz, holdings)) if m]
        start = min(starts) if starts else None
    if start is None:
        return []
    previous = await repo.period(company_id, previous_month(start))
    rolled = previous.bill.rolled_over_out if previous is not None and previous.bill is not None else 0
    staff = await repo.active_staff(company_id)
    closed: list[Period] = []
    for month in months_through(start, through):
        held = number_held_in(month, tz, holdings)
        if not held and await repo.period(company_id, month) is None:
            rolled = 0
            continue
        period = await repo.period_for_update(company_id, month)
        if period.bill is not None:  # closed by another replica while we waited for its lock
            rolled = period.bill.rolled_over_out
            continue
        bill = close_month(month=month, active_staff=staff, texts_sent=period.texts_sent,
                           texts_received=period.texts_received, rolled_over_in=rolled, number_held=held)
        period = replace(period, bill=bill, closed_at=ctx.now(), closed_by=by)
        await repo.save_period(period)
        for charge in charge_transactions(company_id, bill, ctx.now()):
            await repo.add_transaction(charge)
        rolled = bill.rolled_over_out
        closed.append(period)
    return closed


async def close_texting_month(ctx: Context, command: CloseTextingMonth) -> list[Period]:
    """texting.usage.month_closed: close the company's periods through `month` (once; a replay or a
    month the job closed already closes nothing). A month that is not over in the company's zone by
    billing's clock is left to the job. Billing bills its own transactions; texting's counts are
    logged when they differ (a text whose usage arrives later counts in the next period)."""
    tz = await _zone(ctx, command.company_id)
    if command.month >= month_of(ctx.now(), tz):
        log.warning("company %s: texting closed %s before its local end; left to the periodic close",
                    command.company_id, command.month)
        return []
    closed = await close_through(ctx, command.company_id, command.month, by=CLOSED_BY_TEXTING)
    for period in closed:
        if period.month == command.month and (period.texts_sent, period.texts_received) != (command.sent,
                                                                                            command.received):
            log.info("company %s %s: billed %d sent / %d received, texting counted %d / %d",
                     command.company_id, command.month, period.texts_sent, period.texts_received,
                     command.sent, command.received)
    return closed


async def companies_to_close(ctx: Context, now: datetime) -> list[UUID]:
    """The periodic job's candidates: companies with an open period or a number held lately."""
    return await ctx.uow.texting_charges.companies_to_close(now - HELD_LOOKBACK)


async def close_due_periods(ctx: Context, company_id: UUID, command: CloseDuePeriods) -> list[Period]:
    """R-BILL-4 "billed at the end of each month" even when texting's close never comes: close the
    company's finished local months whose end is `grace` or more in the past. Commits once."""
    tz = await _zone(ctx, company_id)
    through = previous_month(month_of(command.now, tz))
    if command.now < month_bounds(through, tz)[1] + command.grace:
        through = previous_month(through)  # the month just ended: texting's close may still come
    closed = await close_through(ctx, company_id, through, by=CLOSED_BY_BILLING)
    await ctx.commit()
    return closed


async def list_periods(ctx: Context) -> list[Period]:
    """R-BILL-5: every period of the caller's company, newest first (open ones with their counts so far)."""
    return await ctx.uow.texting_charges.periods(ctx.company_id)


async def list_transactions(ctx: Context, command: ListTextingTransactions) -> tuple[list[Transaction], int]:
    """R-BILL-5: a page of one period's transactions and how many it has (an unknown month: none)."""
    return await ctx.uow.texting_charges.transactions(ctx.company_id, command.month, limit=command.limit,
                                                      offset=command.offset)
