"""Use cases of the catalogue: services (R-SCHED-1) and schedule blocks (R-SCHED-2). Each takes the
context and a command, changes state through the repositories and commits once."""

from __future__ import annotations

from uuid import UUID, uuid4

from scheduling.domain.catalogue import (
    ScheduleBlock,
    Service,
    check_name_is_free,
    check_title_is_free,
    name_key,
)
from scheduling.domain.errors import BlockNotFound, ServiceNotFound
from scheduling.service_layer.commands import AddScheduleBlock, AddService, UpdateScheduleBlock, UpdateService
from scheduling.service_layer.context import Context


async def _check_blocks(ctx: Context, block_ids: list[UUID]) -> tuple[UUID, ...]:
    """The ids, each one of the company's blocks; BlockNotFound (404) names the others."""
    wanted = list(dict.fromkeys(block_ids))
    known = {block.id for block in await ctx.uow.blocks.many(ctx.company_id, wanted)}
    unknown = [str(block_id) for block_id in wanted if block_id not in known]
    if unknown:
        raise BlockNotFound("No such schedule block in your company.", details={"schedule_block_ids": unknown})
    return tuple(wanted)


async def add_service(ctx: Context, command: AddService) -> Service:
    """R-SCHED-1: add a service to the company's catalogue. Raises ServiceNameTaken (409),
    BlockNotFound (404)."""
    service = Service(uuid4(), ctx.company_id, command.name, command.duration_minutes, command.price_cents,
                      command.client_selectable, await _check_blocks(ctx, command.schedule_block_ids),
                      command.late_reminder_minutes, command.taxable)
    check_name_is_free(service, await ctx.uow.services.with_name_key(ctx.company_id, service.name_key))
    await ctx.uow.services.add(service)
    await ctx.commit()
    return service


async def update_service(ctx: Context, service_id: UUID, command: UpdateService) -> Service:
    """R-SCHED-1: rename, reprice, disable or enable (never delete). Raises ServiceNotFound (404),
    ServiceNameTaken (409), BlockNotFound (404)."""
    service = await ctx.uow.services.get(ctx.company_id, service_id)
    changes = command.changes()
    if "schedule_block_ids" in changes:
        changes["block_ids"] = await _check_blocks(ctx, changes.pop("schedule_block_ids"))
    changed = service.changed(**changes)
    if changed.name_key != service.name_key:
        check_name_is_free(changed, await ctx.uow.services.with_name_key(ctx.company_id, changed.name_key))
    await ctx.uow.services.save(changed)
    await ctx.commit()
    return changed


async def get_service(ctx: Context, service_id: UUID) -> Service:
    """A client sees only active client-selectable services. Raises ServiceNotFound (404)."""
    service = await ctx.uow.services.get(ctx.company_id, service_id)
    if ctx.is_client and not (service.active and service.client_selectable):
        raise ServiceNotFound("No such service in your company.")
    return service


async def list_services(ctx: Context, *, limit: int, offset: int, active: bool | None = None) -> list[Service]:
    """The company's services by name; a client gets the active client-selectable ones only."""
    if ctx.is_client:
        return await ctx.uow.services.page(ctx.company_id, limit=limit, offset=offset, active=True,
                                           client_selectable=True)
    return await ctx.uow.services.page(ctx.company_id, limit=limit, offset=offset, active=active)


async def add_schedule_block(ctx: Context, command: AddScheduleBlock) -> ScheduleBlock:
    """R-SCHED-2: add a block. Raises InvalidBlock (422), BlockTitleTaken (409)."""
    block = ScheduleBlock(uuid4(), ctx.company_id, command.title, command.starts, command.ends,
                          frozenset(command.weekdays))
    check_title_is_free(block, await ctx.uow.blocks.with_title_key(ctx.company_id, block.title_key))
    await ctx.uow.blocks.add(block)
    await ctx.commit()
    return block


async def update_schedule_block(ctx: Context, block_id: UUID, command: UpdateScheduleBlock) -> ScheduleBlock:
    """R-SCHED-2: retitle, retime, change weekdays, disable or enable. Visits already booked in the
    block keep their times. Raises BlockNotFound (404), InvalidBlock (422), BlockTitleTaken (409)."""
    block = await ctx.uow.blocks.get(ctx.company_id, block_id)
    changes = command.changes()
    if "weekdays" in changes:
        changes["weekdays"] = frozenset(changes["weekdays"])
    changed = block.changed(**changes)
    if changed.title_key != block.title_key:
        check_title_is_free(changed, await ctx.uow.blocks.with_title_key(ctx.company_id, name_key(changed.title)))
    await ctx.uow.blocks.save(changed)
    await ctx.commit()
    return changed


async def get_schedule_block(ctx: Context, block_id: UUID) -> ScheduleBlock:
    """Raises BlockNotFound (404)."""
    return await ctx.uow.blocks.get(ctx.company_id, block_id)


async def list_schedule_blocks(ctx: Context, *, limit: int, offset: int, active: bool | None = None
                               ) -> list[ScheduleBlock]:
    """By start time; a client gets the active ones only."""
    return await ctx.uow.blocks.page(ctx.company_id, limit=limit, offset=offset,
                                     active=True if ctx.is_client else active)
