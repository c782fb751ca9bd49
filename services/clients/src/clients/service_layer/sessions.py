"""Signing in, refreshing, and the gateway's per-request check that a session still holds."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from clients.adapters import accounts
from clients.adapters.credentials import (
    ACCESS_TOKEN_LIFETIME,
    REFRESH_TOKEN_LIFETIME,
    issue_access_token,
    new_secret_token,
    verify_password,
)
from clients.adapters.session_state import SessionStates
from clients.domain.accounts import SIGN_IN_WINDOW, check_sign_in_allowed
from clients.domain.errors import InvalidCredentials, SessionRevoked
from clients.service_layer.commands import Refresh, SignIn
from clients.service_layer.context import Context


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


async def issue_tokens(ctx: Context, account: accounts.Account) -> Tokens:
    refresh_token = new_secret_token()
    await accounts.add_refresh_token(ctx.session, token=refresh_token, person_id=account.person_id,
                                     session_version=account.session_version,
                                     expires_at=ctx.now() + REFRESH_TOKEN_LIFETIME)
    access_token = issue_access_token(
        secret=ctx.settings.token_signing_secret, person_id=str(account.person_id),
        company_id=str(account.company_id), role=account.role, session_version=account.session_version,
        now=ctx.now())
    return Tokens(access_token, refresh_token, int(ACCESS_TOKEN_LIFETIME.total_seconds()))


async def sign_in(ctx: Context, command: SignIn) -> Tokens:
    """R-INACT-2: an inactive person cannot sign in. Failures are throttled per account in the
    database, so the limit holds whichever gateway replica the attempts come through."""
    email = command.email.lower()
    check_sign_in_allowed(await accounts.recent_failed_sign_ins(ctx.session, command.company, email,
                                                                ctx.now() - SIGN_IN_WINDOW))
    account = await accounts.find_by_login(ctx.session, command.company, email)
    password_ok = verify_password(command.password, account.password_hash if account else None)
    if account is None or not password_ok or not account.active:
        await accounts.record_sign_in(ctx.session, command.company, email, succeeded=False)
        await ctx.commit()
        if account is not None and password_ok and not account.active:
            raise InvalidCredentials("This account is inactive. Contact the business to reactivate it.",
                                     code="account_inactive")
        raise InvalidCredentials("Wrong company, email or password.")
    await accounts.record_sign_in(ctx.session, command.company, email, succeeded=True)
    tokens = await issue_tokens(ctx, account)
    await ctx.commit()
    return tokens


async def refresh(ctx: Context, command: Refresh) -> Tokens:
    taken = await accounts.take_refresh_token(ctx.session, command.refresh_token, ctx.now())
    account = await accounts.get_account(ctx.session, taken[0]) if taken else None
    if taken is None or account is None or not account.active or account.session_version != taken[1]:
        raise SessionRevoked("This session has ended. Sign in again.")
    tokens = await issue_tokens(ctx, account)
    await ctx.commit()
    return tokens


async def check_session(states: SessionStates, person_id: UUID, version: int) -> None:
    """R-INACT-2: tokens of a person made inactive (or who reset their password) stop at once.

    `version`: the token's `sv` claim. Raises SessionRevoked (401 `session_revoked`) unless the
    person has an account, is active and the version is the account's current one. Reads the
    committed state at this instant (no transaction, no cache): one round trip, since the gateway
    asks on every request (adapters/session_state.py)."""
    state = await states.of(person_id)
    if state is None or not state.active or state.session_version != version:
        raise SessionRevoked("This session has ended. Sign in again.")
