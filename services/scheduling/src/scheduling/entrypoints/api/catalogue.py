"""The catalogue over HTTP: services (R-SCHED-1) and schedule blocks (R-SCHED-2). Managers add and
change them; everyone of the company reads them (a client only what they may request: active,
client-selectable services and active blocks). No DELETE: a service is renamed or disabled."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from petcare_kit.identity import MANAGERS, PEOPLE, allow
from petcare_kit.validation import Limit, Offset

from scheduling.entrypoints.api.deps import ContextDep
from scheduling.entrypoints.api.schemas import ScheduleBlockPage, ScheduleBlockView, ServicePage, ServiceView
from scheduling.service_layer import catalogue
from scheduling.service_layer.commands import AddScheduleBlock, AddService, UpdateScheduleBlock, UpdateService

router = APIRouter(tags=["catalogue"])


@router.get("/services", response_model=ServicePage, **allow(*PEOPLE))
async def list_services(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0,
                        active: bool | None = None) -> ServicePage:
    """By name. `active` narrows the list (the business's view); clients get active client-selectable ones."""
    found = await catalogue.list_services(ctx, limit=limit, offset=offset, active=active)
    return ServicePage(items=[ServiceView.of(s) for s in found], limit=limit, offset=offset)


@router.post("/services", status_code=201, response_model=ServiceView, **allow(*MANAGERS))
async def add_service(body: AddService, ctx: ContextDep) -> ServiceView:
    """R-SCHED-1. 409 `service_name_taken`; 404 `schedule_block_not_found`."""
    return ServiceView.of(await catalogue.add_service(ctx, body))


@router.get("/services/{service_id}", response_model=ServiceView, **allow(*PEOPLE))
async def get_service(service_id: UUID, ctx: ContextDep) -> ServiceView:
    return ServiceView.of(await catalogue.get_service(ctx, service_id))


@router.patch("/services/{service_id}", response_model=ServiceView, **allow(*MANAGERS))
async def update_service(service_id: UUID, body: UpdateService, ctx: ContextDep) -> ServiceView:
    """R-SCHED-1: rename, reprice, `active: false` to disable (never deleted)."""
    return ServiceView.of(await catalogue.update_service(ctx, service_id, body))


@router.get("/schedule-blocks", response_model=ScheduleBlockPage, **allow(*PEOPLE))
async def list_schedule_blocks(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0,
                               active: bool | None = None) -> ScheduleBlockPage:
    found = await catalogue.list_schedule_blocks(ctx, limit=limit, offset=offset, active=active)
    return ScheduleBlockPage(items=[ScheduleBlockView.of(b) for b in found], limit=limit, offset=offset)


@router.post("/schedule-blocks", status_code=201, response_model=ScheduleBlockView, **allow(*MANAGERS))
async def add_schedule_block(body: AddScheduleBlock, ctx: ContextDep) -> ScheduleBlockView:
    """R-SCHED-2. 422 `invalid_schedule_block` (end not after start); 409 `schedule_block_title_taken`."""
    return ScheduleBlockView.of(await catalogue.add_schedule_block(ctx, body))


@router.get("/schedule-blocks/{block_id}", response_model=ScheduleBlockView, **allow(*PEOPLE))
async def get_schedule_block(block_id: UUID, ctx: ContextDep) -> ScheduleBlockView:
    return ScheduleBlockView.of(await catalogue.get_schedule_block(ctx, block_id))


@router.patch("/schedule-blocks/{block_id}", response_model=ScheduleBlockView, **allow(*MANAGERS))
async def update_schedule_block(block_id: UUID, body: UpdateScheduleBlock, ctx: ContextDep) -> ScheduleBlockView:
    return ScheduleBlockView.of(await catalogue.update_schedule_block(ctx, block_id, body))
