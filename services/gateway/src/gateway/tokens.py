"""Access tokens: short-lived JWTs (HS256) the clients service issues and the gateway verifies.

The gateway checks the signature, issuer, expiry and that it is an *access* token (`typ`), so an
activation or reset token signed with the same secret can never open the API. Expiry alone does
not revoke: the session check (sessions.py) does that on every request.

Codes a frontend branches on: `unauthenticated` (no token: show log-in), `token_expired` (use the
refresh flow, then retry), `invalid_token` (drop the token: log in again).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import jwt
from petcare_kit.identity import PEOPLE, Identity, Role

from gateway.errors import NotAuthenticated

ALGORITHM = "HS256"
ACCESS_TOKEN_TYPE = "access"
REQUIRED_CLAIMS = ["sub", "cid", "role", "sv", "typ", "iss", "iat", "exp"]
_PERSON_ROLES = {role.value for role in PEOPLE}  # never `internal`: that is the gateway itself


@dataclass(frozen=True)
class AccessClaims:
    person_id: UUID
    company_id: UUID
    role: Role
    session_version: int

    def identity(self) -> Identity:
        return Identity(self.role, person_id=self.person_id, company_id=self.company_id)


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header."""
    if not authorization:
        raise NotAuthenticated("Sign in first: send your access token as 'Authorization: Bearer <token>'.")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("Send your access token as 'Authorization: Bearer <token>'.",
                               code="invalid_token")
    return token.strip()


def verify_access_token(token: str, *, secret: str, issuer: str, leeway: float = 0) -> AccessClaims:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], issuer=issuer, leeway=leeway,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("Your session token has expired: refresh it or sign in again.",
                               code="token_expired") from None
    except jwt.InvalidTokenError:
        raise _invalid() from None
    return _claims(claims)


def _claims(claims: dict) -> AccessClaims:
    if claims.get("typ") != ACCESS_TOKEN_TYPE or claims.get("role") not in _PERSON_ROLES:
        raise _invalid()
    version = claims.get("sv")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _invalid()
    try:
        return AccessClaims(UUID(str(claims["sub"])), UUID(str(claims["cid"])), Role(claims["role"]), version)
    except ValueError:
        raise _invalid() from None


def _invalid() -> NotAuthenticated:
    return NotAuthenticated("This access token is not valid: sign in again.", code="invalid_token")
