"""The facility's service list over HTTP: main services (daycare, overnight) and add-ons. Managers
add and change; staff read."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from petcare_kit.identity import MANAGERS, STAFF_ROLES, allow
from petcare_kit.validation import Limit, Offset

from facility.domain.catalogue import ServiceKind
from facility.entrypoints.api.deps import ContextDep
from facility.entrypoints.api.schemas import ServicePage, ServiceView
from facility.service_layer import catalogue
from facility.service_layer.catalogue_commands import AddService, UpdateService

router = APIRouter(tags=["services"])


@router.get("/services", response_model=ServicePage, **allow(*STAFF_ROLES))
async def list_services(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0, kind: ServiceKind | None = None,
                        active: bool | None = None) -> ServicePage:
    found = await catalogue.list_services(ctx, limit=limit, offset=offset, kind=kind, active=active)
    return ServicePage(items=[ServiceView.of(s) for s in found], limit=limit, offset=offset)


@router.post("/services", status_code=201, response_model=ServiceView, **allow(*MANAGERS))
async def add_service(body: AddService, ctx: ContextDep) -> ServiceView:
    """A main service (`space_ids`: where it may be booked, none: anywhere) or an add-on
    (`main_service_ids`). 409 `service_name_taken`, 422 `invalid_service`, 404 for unknown ids."""
    return ServiceView.of(await catalogue.add_service(ctx, body))


@router.get("/services/{service_id}", response_model=ServiceView, **allow(*STAFF_ROLES))
async def get_service(service_id: UUID, ctx: ContextDep) -> ServiceView:
    return ServiceView.of(await catalogue.get_service(ctx, service_id))


@router.patch("/services/{service_id}", response_model=ServiceView, **allow(*MANAGERS))
async def update_service(service_id: UUID, body: UpdateService, ctx: ContextDep) -> ServiceView:
    """A new price applies to new bookings; events keep the price they were booked at."""
    return ServiceView.of(await catalogue.update_service(ctx, service_id, body))
