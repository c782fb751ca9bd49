"""Use cases of spaces and the company's facility settings. Each write commits once. Spaces are not
published: nothing outside facility needs them (events carry the space's name)."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from facility.domain.errors import SpaceNameTaken
from facility.domain.spaces import FacilitySettings, Space, name_key
from facility.service_layer.context import Context
from facility.service_layer.spaces_commands import AddSpace, SetFacilitySettings, UpdateSpace


async def _check_name_free(ctx: Context, name: str, space_id: UUID | None = None) -> None:
    holder = await ctx.uow.spaces.with_name_key(ctx.company_id, name_key(name))
    if holder is not None and holder.id != space_id:
        raise SpaceNameTaken(f"A space called {holder.name!r} already exists.", details={"space_id": str(holder.id)})


async def add_space(ctx: Context, command: AddSpace) -> Space:
    """A new space of the caller's company. Raises SpaceNameTaken (409)."""
    await _check_name_free(ctx, command.name)
    space = Space(uuid4(), ctx.company_id, command.name, command.capacity, command.pets_per_staff,
                  command.internal_note)
    await ctx.uow.spaces.add(space)
    await ctx.commit()
    return space


async def update_space(ctx: Context, space_id: UUID, command: UpdateSpace) -> Space:
    """Rename, change capacity, ratio, note, or disable. Raises SpaceNotFound, SpaceNameTaken."""
    space = await ctx.uow.spaces.get(ctx.company_id, space_id)
    changes = command.changes()
    if "name" in changes:
        await _check_name_free(ctx, changes["name"], space.id)
    changed = replace(space, **changes)
    await ctx.uow.spaces.save(changed)
    await ctx.commit()
    return changed


async def get_space(ctx: Context, space_id: UUID) -> Space:
    """Raises SpaceNotFound (404), also for another company's space."""
    return await ctx.uow.spaces.get(ctx.company_id, space_id)


async def list_spaces(ctx: Context, *, limit: int, offset: int) -> list[Space]:
    return await ctx.uow.spaces.page(ctx.company_id, limit=limit, offset=offset)


async def get_settings(ctx: Context) -> FacilitySettings:
    return await ctx.uow.settings.get(ctx.company_id)


async def set_settings(ctx: Context, command: SetFacilitySettings) -> FacilitySettings:
    """Make capacity a hard limit, or a warning again (for bookings from now on)."""
    settings = FacilitySettings(ctx.company_id, command.capacity_is_hard_limit)
    await ctx.uow.settings.save(settings)
    await ctx.commit()
    return settings
