"""Staff members: admins, office managers and walkers/sitters."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from petcare_contracts.events.clients import StaffAdded, StaffDeactivated, StaffDetailsUpdated, StaffReactivated
from petcare_contracts.events.common import Contact
from petcare_kit.errors import Conflict
from petcare_kit.identity import Role

from clients.adapters import accounts, directory
from clients.adapters.credentials import hash_password
from clients.adapters.directory import StaffMember
from clients.domain.accounts import check_password_policy
from clients.domain.contact import normalise_phone
from clients.domain.errors import AdminOnly, EmailAlreadyUsed
from clients.domain.staff import ADMIN, check_an_admin_remains
from clients.service_layer.commands import AddStaff, UpdateStaff
from clients.service_layer.context import Context


def _contact(member: StaffMember) -> Contact:
    return Contact(first_name=member.first_name, last_name=member.last_name, emails=member.emails,
                   phones=member.phones)


def _check_may_manage(ctx: Context, role: str) -> None:
    """Office managers manage staff, but only an admin makes or changes an admin."""
    if role == "admin" and ctx.identity.role != Role.ADMIN:
        raise AdminOnly("Only an admin can add or change an admin.")


async def add_staff(ctx: Context, command: AddStaff) -> StaffMember:
    _check_may_manage(ctx, command.role)
    email = command.email.lower()
    if await accounts.login_email_taken(ctx.session, ctx.company_id, email):
        raise EmailAlreadyUsed("Another person of your company already signs in with this email.")
    password_hash = None
    if command.password is not None:
        check_password_policy(command.password)
        password_hash = hash_password(command.password)
    member = StaffMember(uuid4(), ctx.company_id, command.role, command.first_name, command.last_name, [email],
                         [normalise_phone(p.label, p.number) for p in command.phones])
    await directory.add_staff(ctx.session, member)
    await accounts.upsert_account(ctx.session, person_id=member.id, company_id=ctx.company_id, person_kind="staff",
                                  login_email=email, password_hash=password_hash)
    await ctx.publish(StaffAdded(staff_id=member.id, role=member.role, contact=_contact(member)))
    await ctx.commit()
    return member


async def _lock_with_admins(ctx: Context, staff_id: UUID) -> tuple[StaffMember, list[UUID]]:
    """Lock the member and every active admin of the company, always in id order, so that two
    admins demoting each other at once wait for one another (no deadlock, no admin-less company).
    Returns the member and the ids of the active admins as locked (the latest committed rows)."""
    candidates = {m.id for m in await directory.list_staff(ctx.session, ctx.company_id)
                  if m.role == ADMIN and m.active} | {staff_id}
    locked = [await directory.get_staff(ctx.session, ctx.company_id, member_id, for_update=True)
              for member_id in sorted(candidates)]
    member = next(m for m in locked if m.id == staff_id)
    return member, [m.id for m in locked if m.role == ADMIN and m.active]


async def update_staff(ctx: Context, staff_id: UUID, command: UpdateStaff) -> StaffMember:
    """Change a staff member's role, name or phones. Refuses (409 `last_admin`) demoting the
    company's last active admin."""
    before, active_admins = await _lock_with_admins(ctx, staff_id)
    _check_may_manage(ctx, before.role)
    changes = command.model_dump(exclude_unset=True, exclude_none=True)
    if "role" in changes:
        _check_may_manage(ctx, changes["role"])
    if "phones" in changes:
        changes["phones"] = [normalise_phone(p.label, p.number) for p in command.phones or []]
    after = replace(before, **changes)
    changed = [name for name in ("role", "first_name", "last_name", "phones")
               if getattr(before, name) != getattr(after, name)]
    if not changed:
        return before
    check_an_admin_remains(active_admins, staff_id=staff_id, role_after=after.role, active_after=after.active)
    await directory.save_staff(ctx.session, after)
    if after.role != before.role:
        await accounts.revoke_sessions(ctx.session, staff_id)  # tokens carry the role: issue new ones
    await ctx.publish(StaffDetailsUpdated(staff_id=staff_id, role=after.role, contact=_contact(after),
                                          changed_fields=changed))
    await ctx.commit()
    return after


async def set_staff_active(ctx: Context, staff_id: UUID, active: bool) -> StaffMember:
    """Deactivate or reactivate a staff member. Refuses (409 `last_admin`) deactivating the
    company's last active admin."""
    member, active_admins = await _lock_with_admins(ctx, staff_id)
    _check_may_manage(ctx, member.role)
    if member.active == active:
        raise Conflict(f"This staff member is already {'active' if active else 'inactive'}.",
                       code="staff_already_active" if active else "staff_already_inactive")
    if not active and staff_id == ctx.identity.person_id:
        raise Conflict("You cannot deactivate yourself.", code="cannot_deactivate_self")
    check_an_admin_remains(active_admins, staff_id=staff_id, role_after=member.role, active_after=active)
    member = replace(member, active=active)
    await directory.save_staff(ctx.session, member)
    if not active:
        await accounts.revoke_sessions(ctx.session, staff_id)
    await ctx.publish(StaffReactivated(staff_id=staff_id) if active else StaffDeactivated(staff_id=staff_id))
    await ctx.commit()
    return member
