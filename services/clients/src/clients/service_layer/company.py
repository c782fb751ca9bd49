"""Signing a business up, and the directory's company settings."""

from __future__ import annotations

from dataclasses import replace
from uuid import uuid4

from petcare_contracts.events.clients import CompanyRegistered, CompanySettingsChanged, StaffAdded
from petcare_contracts.events.common import Contact
from petcare_kit.identity import Identity, Role

from clients.adapters import accounts, directory
from clients.adapters.credentials import hash_password
from clients.adapters.directory import StaffMember
from clients.domain.accounts import check_password_policy
from clients.domain.company import Company, CompanySettings, check_time_zone, slug_for
from clients.service_layer.commands import ChangeCompanySettings, SignUp
from clients.service_layer.context import Context
from clients.service_layer.sessions import Tokens, issue_tokens


async def _free_slug(ctx: Context, name: str) -> str:
    base = slug = slug_for(name)
    suffix = 1
    while await directory.slug_taken(ctx.session, slug):
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


async def sign_up(ctx: Context, command: SignUp) -> tuple[Company, Tokens]:
    """A new company and its first admin, signed in."""
    check_password_policy(command.admin.password)
    company = Company(uuid4(), await _free_slug(ctx, command.company_name),
                      CompanySettings(name=command.company_name, time_zone=check_time_zone(command.time_zone)))
    admin = StaffMember(uuid4(), company.id, "admin", command.admin.first_name, command.admin.last_name,
                        [command.admin.email.lower()], [])
    ctx.identity = Identity(Role.ADMIN, person_id=admin.id, company_id=company.id)
    await directory.add_company(ctx.session, company)
    await directory.add_staff(ctx.session, admin)
    await accounts.upsert_account(ctx.session, person_id=admin.id, company_id=company.id, person_kind="staff",
                                  login_email=admin.emails[0], password_hash=hash_password(command.admin.password))
    await ctx.publish(CompanyRegistered(company_id=company.id, name=company.settings.name, slug=company.slug,
                                        time_zone=company.settings.time_zone, first_admin_id=admin.id))
    await ctx.publish(_settings_event(company))
    await ctx.publish(StaffAdded(staff_id=admin.id, role="admin", contact=Contact(
        first_name=admin.first_name, last_name=admin.last_name, emails=admin.emails, phones=[])))
    account = await accounts.get_account(ctx.session, admin.id)
    assert account is not None
    tokens = await issue_tokens(ctx, account)
    await ctx.commit()
    return company, tokens


async def change_settings(ctx: Context, command: ChangeCompanySettings) -> Company:
    company = await directory.get_company(ctx.session, ctx.company_id)
    changes = command.model_dump(exclude_unset=True, exclude_none=True)
    if "time_zone" in changes:
        check_time_zone(changes["time_zone"])
    updated = replace(company, settings=replace(company.settings, **changes))
    if updated == company:
        return company
    await directory.save_company_settings(ctx.session, company.id, updated.settings)
    await ctx.publish(_settings_event(updated))
    await ctx.commit()
    return updated


def _settings_event(company: Company) -> CompanySettingsChanged:
    s = company.settings
    return CompanySettingsChanged(
        company_id=company.id, name=s.name, time_zone=s.time_zone, portal_request_mode=s.portal_request_mode,
        cancellations_auto_approve=s.cancellations_auto_approve,
        notify_client_when_visit_starts=s.notify_client_when_visit_starts)
