"""The company's cut-offs for client requests (R-SCHED-7), and the client's schedule page with its
pending requests (R-REQ-4)."""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.domain.cutoffs import CutoffSettings
from scheduling.domain.requests import ChangeRequest, ServiceRequest
from scheduling.domain.visits import Visit
from scheduling.service_layer.context import Context
from scheduling.service_layer.requests import client_of
from scheduling.service_layer.requests_commands import SetCutoffs
from scheduling.service_layer.requests_ports import repos


async def get_cutoffs(ctx: Context) -> CutoffSettings:
    """No limit for both until the company sets them."""
    return await repos(ctx).cutoffs.get(ctx.company_id)


async def set_cutoffs(ctx: Context, command: SetCutoffs) -> CutoffSettings:
    """R-SCHED-7: one cut-off for new requests, another for change/cancellation requests (both whole)."""
    settings = CutoffSettings(command.new_requests.cutoff(), command.change_requests.cutoff())
    await repos(ctx).cutoffs.save(ctx.company_id, settings)
    await ctx.commit()
    return settings


@dataclass(frozen=True)
class Schedule:
    """The client's schedule page: pending requests at the top (R-REQ-4), upcoming visits below,
    each with the pending change/cancellation request on it, if any (the banner)."""

    service_requests: list[ServiceRequest]
    change_requests: list[ChangeRequest]
    visits: list[tuple[Visit, ChangeRequest | None]]


async def client_schedule(ctx: Context, *, limit: int, offset: int) -> Schedule:
    """The calling client's own upcoming visits (not cancelled), soonest first, and pending requests."""
    client_id = client_of(ctx)
    upcoming = await ctx.uow.visits.page(ctx.company_id, limit=limit, offset=offset, client_id=client_id,
                                         starts_from=ctx.now())
    upcoming = [v for v in upcoming if v.status.value != "cancelled"]
    pending = await repos(ctx).change_requests.pending_on(ctx.company_id, [v.id for v in upcoming])
    return Schedule(
        await repos(ctx).service_requests.of_client(ctx.company_id, client_id, pending_only=True),
        await repos(ctx).change_requests.of_client(ctx.company_id, client_id, pending_only=True),
        [(v, pending.get(v.id)) for v in upcoming])
