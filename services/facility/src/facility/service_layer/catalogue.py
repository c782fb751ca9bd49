"""Use cases of the facility's service list: main services (daycare, overnight) and add-ons. Each
write commits once."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from facility.domain.catalogue import FacilityService, ServiceKind
from facility.domain.errors import ServiceNameTaken, ServiceNotFound, SpaceNotFound
from facility.domain.spaces import name_key
from facility.service_layer.catalogue_commands import AddService, UpdateService
from facility.service_layer.context import Context


async def _check_name_free(ctx: Context, name: str, service_id: UUID | None = None) -> None:
    holder = await ctx.uow.services.with_name_key(ctx.company_id, name_key(name))
    if holder is not None and holder.id != service_id:
        raise ServiceNameTaken(f"A service called {holder.name!r} already exists.",
                               details={"service_id": str(holder.id)})


async def _check_references(ctx: Context, service: FacilityService) -> None:
    """The spaces and main services named are the company's (and main services are main).
    Raises SpaceNotFound, ServiceNotFound (404) naming the ids that are not."""
    spaces = {s.id for s in await ctx.uow.spaces.many(ctx.company_id, list(service.space_ids))}
    missing = [str(s) for s in service.space_ids if s not in spaces]
    if missing:
        raise SpaceNotFound("No such space in your company.", details={"space_ids": missing})
    mains = {s.id for s in await ctx.uow.services.many(ctx.company_id, list(service.main_service_ids)) if s.is_main}
    missing = [str(s) for s in service.main_service_ids if s not in mains]
    if missing:
        raise ServiceNotFound("No such main service in your company.", details={"main_service_ids": missing})


async def add_service(ctx: Context, command: AddService) -> FacilityService:
    """A main service or an add-on. Raises ServiceNameTaken (409), InvalidService (422),
    SpaceNotFound / ServiceNotFound (404) for spaces or main services not the company's."""
    await _check_name_free(ctx, command.name)
    service = FacilityService(uuid4(), ctx.company_id, command.name, command.kind, command.price_cents,
                              command.taxable, tuple(dict.fromkeys(command.space_ids)),
                              tuple(dict.fromkeys(command.main_service_ids)))
    service.check_shape()
    await _check_references(ctx, service)
    await ctx.uow.services.add(service)
    await ctx.commit()
    return service


async def update_service(ctx: Context, service_id: UUID, command: UpdateService) -> FacilityService:
    """Rename, reprice (new bookings only: events keep their price), spaces, main services, disable.
    Raises ServiceNotFound, ServiceNameTaken, InvalidService, SpaceNotFound."""
    service = await ctx.uow.services.get(ctx.company_id, service_id)
    changes = command.changes()
    if "name" in changes:
        await _check_name_free(ctx, changes["name"], service.id)
    for key in ("space_ids", "main_service_ids"):
        if key in changes:
            changes[key] = tuple(dict.fromkeys(changes[key]))
    changed = replace(service, **changes)
    changed.check_shape()
    await _check_references(ctx, changed)
    await ctx.uow.services.save(changed)
    await ctx.commit()
    return changed


async def get_service(ctx: Context, service_id: UUID) -> FacilityService:
    """Raises ServiceNotFound (404), also for another company's service."""
    return await ctx.uow.services.get(ctx.company_id, service_id)


async def list_services(ctx: Context, *, limit: int, offset: int, kind: ServiceKind | None = None,
                        active: bool | None = None) -> list[FacilityService]:
    return await ctx.uow.services.page(ctx.company_id, limit=limit, offset=offset, kind=kind, active=active)
