"""Plans as billing publishes them (R-TEXT-1): texting keeps a read model of each company's plan."""

from __future__ import annotations

from dataclasses import replace

from texting.service_layer.availability import publish_if_changed
from texting.service_layer.commands import ApplyPlan
from texting.service_layer.context import Context


async def apply_plan(ctx: Context, command: ApplyPlan) -> None:
    """A plan without texting (or a trial) makes clients untextable until the plan allows it; the
    change is published (R-DELIV-9). Runs in the consumer's batch transaction, which commits."""
    account = await ctx.uow.accounts.get(command.company_id, for_update=True)
    await publish_if_changed(ctx, replace(account, plan=command.plan, in_trial=command.in_trial))
