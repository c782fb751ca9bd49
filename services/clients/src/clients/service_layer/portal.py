"""Portal accounts: activation and reset emails (requests to notifications), and setting a password
with a single-use token. Requests from the sign-in page always answer the same, whether or not the
email has an account, so nobody can probe who is a client."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from urllib.parse import urlencode
from uuid import UUID

from petcare_contracts.events.clients import (
    ActivationEmailRequested,
    PasswordResetRequested,
    PortalInstructionsRequested,
)
from petcare_kit.identity import Identity, Role

from clients.adapters import accounts, directory
from clients.adapters.credentials import hash_password, new_secret_token
from clients.domain.accounts import TOKEN_LIFETIME, TokenPurpose, check_password_policy, usable_token
from clients.domain.clients import Client
from clients.domain.errors import ClientIsInactive, NoEmailOnFile
from clients.service_layer.commands import RequestFromPortal, SetPasswordWithToken
from clients.service_layer.context import Context


def _link(ctx: Context, page: str, **params: str) -> str:
    return f"{ctx.settings.portal_base_url.rstrip('/')}/{page}?{urlencode(params)}"


async def _new_token(ctx: Context, person_id: UUID, purpose: TokenPurpose) -> tuple[str, datetime]:
    token, expires_at = new_secret_token(), ctx.now() + TOKEN_LIFETIME[purpose]
    await accounts.add_one_time_token(ctx.session, token=token, person_id=person_id, purpose=purpose,
                                      expires_at=expires_at)
    return token, expires_at


async def request_activation_email(ctx: Context, client: Client,
                                   requested_by: Literal["business", "client"]) -> None:
    """R-EMAIL-7 (business) / R-EMAIL-6 (client). Joins the caller's transaction; does not commit."""
    if not client.active:
        raise ClientIsInactive("This client is inactive: reactivate them before inviting them to the portal.")
    if not client.portal_email:
        raise NoEmailOnFile("Add an email address to this client first.")
    token, expires_at = await _new_token(ctx, client.id, TokenPurpose.ACTIVATION)
    await ctx.publish(ActivationEmailRequested(
        client_id=client.id, email=client.portal_email, activation_url=_link(ctx, "activate", token=token),
        expires_at=expires_at, requested_by=requested_by))


async def resend_activation_email(ctx: Context, client_id: UUID) -> None:
    client = await directory.get_client(ctx.session, ctx.company_id, client_id)
    await request_activation_email(ctx, client, requested_by="business")
    await ctx.commit()


async def send_portal_instructions(ctx: Context, client_id: UUID) -> None:
    """R-EMAIL-8: Quick Actions → "Send Portal Instructions"."""
    client = await directory.get_client(ctx.session, ctx.company_id, client_id)
    if not client.active:
        raise ClientIsInactive("This client is inactive: reactivate them before sending portal instructions.")
    if not client.portal_email:
        raise NoEmailOnFile("Add an email address to this client first.")
    await ctx.publish(PortalInstructionsRequested(
        client_id=client.id, email=client.portal_email, login_email=client.portal_email,
        portal_url=_link(ctx, "sign-in", company=(await directory.get_company(ctx.session, ctx.company_id)).slug)))
    await ctx.commit()


async def client_asks_for_activation(ctx: Context, command: RequestFromPortal) -> None:
    """R-EMAIL-6, from the sign-in page. `ctx.identity` is anonymous here."""
    account = await accounts.find_by_login(ctx.session, command.company, command.email.lower())
    if account is None or account.person_kind != "client" or not account.active or account.password_hash:
        return  # same answer for everyone; an activated account uses "forgot password"
    ctx.identity = Identity(Role.CLIENT, person_id=account.person_id, company_id=account.company_id)
    client = await directory.get_client(ctx.session, account.company_id, account.person_id)
    await request_activation_email(ctx, client, requested_by="client")
    await ctx.commit()


async def request_password_reset(ctx: Context, command: RequestFromPortal) -> None:
    """R-EMAIL-6: "reset password" from the sign-in page, for clients and staff alike."""
    account = await accounts.find_by_login(ctx.session, command.company, command.email.lower())
    if account is None or not account.active:
        return
    ctx.identity = Identity(Role(account.role), person_id=account.person_id, company_id=account.company_id)
    token, expires_at = await _new_token(ctx, account.person_id, TokenPurpose.PASSWORD_RESET)
    await ctx.publish(PasswordResetRequested(
        person_id=account.person_id, person_kind=account.person_kind, email=account.login_email,
        reset_url=_link(ctx, "reset-password", token=token), expires_at=expires_at))
    await ctx.commit()


async def set_password_with_token(ctx: Context, command: SetPasswordWithToken, purpose: TokenPurpose) -> None:
    """Activate an account or reset its password. The token works once; a reset also ends every
    session already open."""
    check_password_policy(command.password)
    token = usable_token(await accounts.find_one_time_token(ctx.session, command.token), purpose, ctx.now())
    person_id = token.person_id
    account = await accounts.get_account(ctx.session, person_id, for_update=True)
    if account is None or not account.active:
        raise ClientIsInactive("This account is inactive; ask the business to reactivate it.")
    await accounts.use_one_time_token(ctx.session, command.token, ctx.now())
    await accounts.set_password(ctx.session, person_id, hash_password(command.password), ctx.now())
    if purpose == TokenPurpose.PASSWORD_RESET:
        await accounts.revoke_sessions(ctx.session, person_id)
    await ctx.commit()
