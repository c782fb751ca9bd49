"""Password hashing (argon2, memory-hard, via pwdlib) and access tokens (JWT, HS256).

The access token's claims are the gateway's contract: `sub` person, `cid` company, `role`, `sv`
session version (revocation), `typ`, `iss`, `iat`, `exp`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import jwt
from pwdlib import PasswordHash

ISSUER = "petcare-clients"
ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
REFRESH_TOKEN_LIFETIME = timedelta(days=30)

_hasher = PasswordHash.recommended()
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Also spends the hashing time when there is no account, so timing does not reveal which
    emails have one."""
    return _hasher.verify(password, password_hash or _DUMMY_HASH) and password_hash is not None


def new_secret_token() -> str:
    return secrets.token_urlsafe(32)


def issue_access_token(*, secret: str, person_id: str, company_id: str, role: str, session_version: int,
                       now: datetime) -> str:
    claims = {"sub": person_id, "cid": company_id, "role": role, "sv": session_version, "typ": "access",
              "iss": ISSUER, "iat": int(now.timestamp()), "exp": int((now + ACCESS_TOKEN_LIFETIME).timestamp())}
    return jwt.encode(claims, secret, algorithm="HS256")
