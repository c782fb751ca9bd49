"""Access tokens: only a current access token from the clients service opens the API."""

from __future__ import annotations

import time
from uuid import uuid4

import jwt
import pytest
from gateway.errors import NotAuthenticated
from gateway.tokens import bearer_token, verify_access_token
from petcare_kit.identity import Identity, Role

SECRET = "unit-test-token-secret-0123456789abcdef"


def token(**overrides) -> str:
    now = int(time.time())
    claims = {"sub": str(uuid4()), "cid": str(uuid4()), "role": "staff", "sv": 3, "typ": "access",
              "iss": "petcare-clients", "iat": now, "exp": now + 900, **overrides}
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, SECRET, algorithm="HS256")


def verify(raw: str, leeway: float = 0):
    return verify_access_token(raw, secret=SECRET, issuer="petcare-clients", leeway=leeway)


def test_a_valid_token_gives_the_identity_to_forward():
    person, company = uuid4(), uuid4()
    claims = verify(token(sub=str(person), cid=str(company)))
    assert claims.identity() == Identity(Role.STAFF, person_id=person, company_id=company)
    assert claims.session_version == 3


@pytest.mark.parametrize(
    ("overrides", "code"),
    [({"exp": int(time.time()) - 30}, "token_expired"), ({"alg_none": True}, "invalid_token"),
     ({"sv": True}, "invalid_token"), ({"sv": "3"}, "invalid_token"), ({"sub": "me"}, "invalid_token"),
     ({"role": "superuser"}, "invalid_token"), ({"typ": None}, "invalid_token"),
     ({"exp": None}, "invalid_token")],
    ids=["expired", "unsigned", "bool version", "text version", "bad subject", "unknown role", "no type",
         "no expiry"],
)
def test_tokens_that_must_not_open_the_api(overrides, code):
    if overrides.pop("alg_none", False):
        raw = jwt.encode({"sub": str(uuid4())}, None, algorithm="none")
    else:
        raw = token(**overrides)
    with pytest.raises(NotAuthenticated) as refused:
        verify(raw)
    assert refused.value.code == code and refused.value.headers == {"WWW-Authenticate": "Bearer"}


def test_a_little_clock_skew_is_tolerated():
    assert verify(token(exp=int(time.time()) - 2), leeway=30)  # 2 s late; the margin survives a stalled machine


@pytest.mark.parametrize(("header", "code"), [(None, "unauthenticated"), ("", "unauthenticated"),
                                              ("Bearer", "invalid_token"), ("Token abc", "invalid_token")])
def test_the_authorization_header_must_be_a_bearer_token(header, code):
    with pytest.raises(NotAuthenticated) as refused:
        bearer_token(header)
    assert refused.value.code == code


def test_the_bearer_scheme_is_case_insensitive():
    assert bearer_token("bearer abc") == "abc"
