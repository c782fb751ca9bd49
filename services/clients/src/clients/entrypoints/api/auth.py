"""Public routes: sign-up, sign-in, refresh, portal emails and passwords; and the gateway's session check."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query, Request
from petcare_kit.identity import PUBLIC, Role, allow

from clients.domain.accounts import TokenPurpose
from clients.entrypoints.api.deps import AnonymousContextDep
from clients.entrypoints.api.schemas import Accepted, CompanyView, SessionCheck, SignedUpView, TokensView
from clients.service_layer import company, portal, sessions
from clients.service_layer.commands import Refresh, RequestFromPortal, SetPasswordWithToken, SignIn, SignUp

router = APIRouter(tags=["sign-in and portal accounts"])

SAME_ANSWER = "If this email has an account with that company, an email is on its way."


def _tokens(tokens: sessions.Tokens) -> TokensView:
    return TokensView(**tokens.__dict__)


@router.post("/signup", status_code=201, response_model=SignedUpView, **allow(PUBLIC, rate_limit="auth"))
async def sign_up(body: SignUp, ctx: AnonymousContextDep) -> SignedUpView:
    """Create a company and its first admin, who is signed in at once."""
    new_company, tokens = await company.sign_up(ctx, body)
    return SignedUpView(company=CompanyView.of(new_company), admin_id=ctx.person_id, tokens=_tokens(tokens))


@router.post("/auth/sign-in", response_model=TokensView, **allow(PUBLIC, rate_limit="auth"))
async def sign_in(body: SignIn, ctx: AnonymousContextDep) -> TokensView:
    """Staff and clients sign in with their company's handle, email and password."""
    return _tokens(await sessions.sign_in(ctx, body))


@router.post("/auth/refresh", response_model=TokensView, **allow(PUBLIC, rate_limit="auth"))
async def refresh(body: Refresh, ctx: AnonymousContextDep) -> TokensView:
    """Trade a refresh token (single use) for new tokens."""
    return _tokens(await sessions.refresh(ctx, body))


@router.post("/auth/activation-email", status_code=202, response_model=Accepted, **allow(PUBLIC, rate_limit="auth"))
async def ask_for_activation_email(body: RequestFromPortal, ctx: AnonymousContextDep) -> Accepted:
    """R-EMAIL-6: a client asks for the portal activation email."""
    await portal.client_asks_for_activation(ctx, body)
    return Accepted(message=SAME_ANSWER)


@router.post("/auth/password-reset", status_code=202, response_model=Accepted, **allow(PUBLIC, rate_limit="auth"))
async def ask_for_password_reset(body: RequestFromPortal, ctx: AnonymousContextDep) -> Accepted:
    """R-EMAIL-6: a client (or staff member) asks for a password reset email."""
    await portal.request_password_reset(ctx, body)
    return Accepted(message=SAME_ANSWER)


@router.post("/auth/activate", status_code=204, **allow(PUBLIC, rate_limit="auth"))
async def activate(body: SetPasswordWithToken, ctx: AnonymousContextDep) -> None:
    """Set the first password with the activation link's token (single use, expires)."""
    await portal.set_password_with_token(ctx, body, TokenPurpose.ACTIVATION)


@router.post("/auth/password-reset/confirm", status_code=204, **allow(PUBLIC, rate_limit="auth"))
async def reset_password(body: SetPasswordWithToken, ctx: AnonymousContextDep) -> None:
    """Set a new password with the reset link's token; every open session ends."""
    await portal.set_password_with_token(ctx, body, TokenPurpose.PASSWORD_RESET)


@router.get("/internal/sessions/{person_id}", response_model=SessionCheck, **allow(Role.INTERNAL))
async def check_session(person_id: UUID, request: Request, version: int = Query(ge=0)) -> SessionCheck:
    """For the gateway, on every request: is this token's session still open? (R-INACT-2)

    Well-formed calls signed by the gateway are answered before the app stack by
    entrypoints/session_check.py, with the same use case; this route documents the operation
    and answers the rest (bad input, bad signature, another role)."""
    await sessions.check_session(request.app.state.session_states, person_id, version)
    return SessionCheck(active=True)
