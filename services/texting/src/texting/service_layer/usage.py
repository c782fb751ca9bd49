"""Usage metering (R-TEXT-13): closing finished months for billing once each (R-BILL-2..5 are
billing's; it receives one summary per company and month). What counts as used is domain/usage.py,
the same definition the messages log and the month's usage figure use."""

from __future__ import annotations

from petcare_contracts.events.texting import UsageMonthClosed

from texting.service_layer.commands import CloseFinishedMonths
from texting.service_layer.context import Context


async def close_finished_months(ctx: Context, command: CloseFinishedMonths) -> int:
    """Publish each company's finished months not published yet: its LOCAL calendar months (its zone
    from the clients directory; domain/months.py), a month being finished once its local end has
    passed at `command.now`. Once each even with several replicas (the closed-months table decides);
    commits once. Returns how many were published."""
    published = 0
    for company_id, month, totals in await ctx.uow.usage_months.unclosed(command.now):
        if await ctx.uow.usage_months.close(company_id, month, totals):
            await ctx.publish(UsageMonthClosed(company_id=company_id, month=month, sent=totals.sent,
                                               received=totals.received), company_id=company_id)
            published += 1
    await ctx.commit()
    return published
