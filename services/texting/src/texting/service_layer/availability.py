"""Tell notifications when the company's ability to text clients changes (R-DELIV-9)."""

from __future__ import annotations

from dataclasses import replace

from petcare_contracts.events.texting import TextingAvailabilityChanged

from texting.domain.account import TextingAccount
from texting.service_layer.context import Context


async def publish_if_changed(ctx: Context, account: TextingAccount) -> TextingAccount:
    """Part of the caller's change (no commit): publishes `texting.availability.changed` when whether
    clients can be texted differs from what was last published, and saves the account either way."""
    reasons = account.client_blockers()
    if (not reasons) != account.available:
        account = replace(account, available=not reasons)
        await ctx.publish(TextingAvailabilityChanged(company_id=account.company_id, available=not reasons,
                                                     reasons=reasons), company_id=account.company_id)
    await ctx.uow.accounts.save(account)
    return account
