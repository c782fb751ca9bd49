"""Company settings, staff, the caller's own profile."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from petcare_kit.identity import MANAGERS, PEOPLE, STAFF_ROLES, Role, allow

from clients.adapters import directory
from clients.entrypoints.api.deps import ContextDep
from clients.entrypoints.api.schemas import ClientView, CompanyView, StaffView
from clients.service_layer import company, staff
from clients.service_layer.commands import AddStaff, ChangeCompanySettings, UpdateStaff

router = APIRouter()


@router.get("/me", tags=["me"], response_model=ClientView | StaffView, **allow(*PEOPLE))
async def me(ctx: ContextDep) -> ClientView | StaffView:
    """The signed-in person's own profile."""
    if ctx.identity.role == Role.CLIENT:
        return ClientView.of(await directory.get_client(ctx.session, ctx.company_id, ctx.person_id),
                             for_staff=False)
    return StaffView.of(await directory.get_staff(ctx.session, ctx.company_id, ctx.person_id))


@router.get("/company", tags=["company"], response_model=CompanyView, **allow(*STAFF_ROLES))
async def get_company(ctx: ContextDep) -> CompanyView:
    return CompanyView.of(await directory.get_company(ctx.session, ctx.company_id))


@router.patch("/company", tags=["company"], response_model=CompanyView, **allow(*MANAGERS))
async def change_company_settings(body: ChangeCompanySettings, ctx: ContextDep) -> CompanyView:
    """Portal change/cancellation mode, auto-approval of cancellations, the mobile-app "notify client
    when a visit starts" setting, name and time zone."""
    return CompanyView.of(await company.change_settings(ctx, body))


@router.get("/staff", tags=["staff"], response_model=list[StaffView], **allow(*STAFF_ROLES))
async def list_staff(ctx: ContextDep) -> list[StaffView]:
    return [StaffView.of(m) for m in await directory.list_staff(ctx.session, ctx.company_id)]


@router.post("/staff", tags=["staff"], status_code=201, response_model=StaffView, **allow(*MANAGERS))
async def add_staff(body: AddStaff, ctx: ContextDep) -> StaffView:
    return StaffView.of(await staff.add_staff(ctx, body))


@router.get("/staff/{staff_id}", tags=["staff"], response_model=StaffView, **allow(*STAFF_ROLES))
async def get_staff(staff_id: UUID, ctx: ContextDep) -> StaffView:
    return StaffView.of(await directory.get_staff(ctx.session, ctx.company_id, staff_id))


@router.patch("/staff/{staff_id}", tags=["staff"], response_model=StaffView, **allow(*MANAGERS))
async def update_staff(staff_id: UUID, body: UpdateStaff, ctx: ContextDep) -> StaffView:
    return StaffView.of(await staff.update_staff(ctx, staff_id, body))


@router.post("/staff/{staff_id}/deactivate", tags=["staff"], response_model=StaffView, **allow(*MANAGERS))
async def deactivate_staff(staff_id: UUID, ctx: ContextDep) -> StaffView:
    return StaffView.of(await staff.set_staff_active(ctx, staff_id, False))


@router.post("/staff/{staff_id}/reactivate", tags=["staff"], response_model=StaffView, **allow(*MANAGERS))
async def reactivate_staff(staff_id: UUID, ctx: ContextDep) -> StaffView:
    return StaffView.of(await staff.set_staff_active(ctx, staff_id, True))
