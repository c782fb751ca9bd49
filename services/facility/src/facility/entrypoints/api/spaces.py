"""Spaces and the company's facility settings over HTTP. Managers (admins, office managers) add and
change them; staff read them (the internal note is for the business). Clients never call these."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from petcare_kit.identity import MANAGERS, STAFF_ROLES, allow
from petcare_kit.validation import Limit, Offset

from facility.entrypoints.api.deps import ContextDep
from facility.entrypoints.api.schemas import SettingsView, SpacePage, SpaceView
from facility.service_layer import spaces
from facility.service_layer.spaces_commands import AddSpace, SetFacilitySettings, UpdateSpace

router = APIRouter(tags=["spaces"])


@router.get("/spaces", response_model=SpacePage, **allow(*STAFF_ROLES))
async def list_spaces(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0) -> SpacePage:
    found = await spaces.list_spaces(ctx, limit=limit, offset=offset)
    return SpacePage(items=[SpaceView.of(s) for s in found], limit=limit, offset=offset)


@router.post("/spaces", status_code=201, response_model=SpaceView, **allow(*MANAGERS))
async def add_space(body: AddSpace, ctx: ContextDep) -> SpaceView:
    """409 `space_name_taken` when the company has a space of that name."""
    return SpaceView.of(await spaces.add_space(ctx, body))


@router.get("/spaces/{space_id}", response_model=SpaceView, **allow(*STAFF_ROLES))
async def get_space(space_id: UUID, ctx: ContextDep) -> SpaceView:
    return SpaceView.of(await spaces.get_space(ctx, space_id))


@router.patch("/spaces/{space_id}", response_model=SpaceView, **allow(*MANAGERS))
async def update_space(space_id: UUID, body: UpdateSpace, ctx: ContextDep) -> SpaceView:
    """`capacity: null` / `pets_per_staff: null` remove the limit; `active: false` takes no new bookings."""
    return SpaceView.of(await spaces.update_space(ctx, space_id, body))


@router.get("/settings", response_model=SettingsView, **allow(*STAFF_ROLES))
async def get_settings(ctx: ContextDep) -> SettingsView:
    return SettingsView.of(await spaces.get_settings(ctx))


@router.put("/settings", response_model=SettingsView, **allow(*MANAGERS))
async def set_settings(body: SetFacilitySettings, ctx: ContextDep) -> SettingsView:
    """`capacity_is_hard_limit: true`: bookings over a space's capacity are refused (409 `space_full`)."""
    return SettingsView.of(await spaces.set_settings(ctx, body))
