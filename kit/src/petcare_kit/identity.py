"""Who is calling: verified once at the gateway, then carried to services in a signed header.

Services trust identity only from these headers, whose HMAC (INTERNAL_AUTH_SECRET, known to the
gateway and the services, never to callers) covers the identity, the method, the path and a time,
so a caller cannot forge one and a captured one cannot be reused for another request or later.

Roles are declared once per route with `allow(...)`: the service enforces them (a dependency) and
publishes them in its OpenAPI document (`x-roles`), from which the gateway builds its route table
and enforces them too (defence in depth).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from petcare_contracts import Actor
from petcare_contracts.envelope import ActorKind

from petcare_kit.errors import Forbidden, Unauthenticated

IDENTITY_HEADER = "x-petcare-identity"
SIGNATURE_HEADER = "x-petcare-identity-signature"
MAX_AGE_SECONDS = 60


class Role(StrEnum):
    ADMIN = "admin"
    OFFICE_MANAGER = "office_manager"
    STAFF = "staff"
    CLIENT = "client"
    INTERNAL = "internal"
    """The gateway itself, for the few internal routes (session checks). Never a person."""


# The gateway's internal calls are the system's own, not a person's.
_ACTOR_KIND: dict[Role, ActorKind] = {
    Role.ADMIN: "admin", Role.OFFICE_MANAGER: "office_manager", Role.STAFF: "staff", Role.CLIENT: "client",
    Role.INTERNAL: "system",
}

PUBLIC = "public"
MANAGERS = (Role.ADMIN, Role.OFFICE_MANAGER)
STAFF_ROLES = (Role.ADMIN, Role.OFFICE_MANAGER, Role.STAFF)
PEOPLE = (*STAFF_ROLES, Role.CLIENT)


@dataclass(frozen=True)
class Identity:
    role: Role
    person_id: UUID | None = None
    company_id: UUID | None = None

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def actor(self) -> Actor:
        return Actor(kind=_ACTOR_KIND[self.role], id=self.person_id)

    def to_json(self) -> str:
        return json.dumps({"role": self.role.value, "person_id": _str(self.person_id),
                           "company_id": _str(self.company_id)}, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> Identity:
        data = json.loads(raw)
        return cls(Role(data["role"]), _uuid(data.get("person_id")), _uuid(data.get("company_id")))


def sign_identity(identity: Identity, *, secret: str, method: str, path: str,
                  now: float | None = None) -> dict[str, str]:
    """The headers the gateway adds to a request it forwards (path: the service-side path)."""
    issued_at = str(int(now if now is not None else time.time()))
    encoded = base64.urlsafe_b64encode(identity.to_json().encode()).decode()
    value = f"{encoded}.{issued_at}"
    return {IDENTITY_HEADER: value, SIGNATURE_HEADER: _mac(secret, value, method, path)}


def verify_identity(headers: Any, *, secret: str, method: str, path: str, now: float | None = None) -> Identity:
    value, signature = headers.get(IDENTITY_HEADER), headers.get(SIGNATURE_HEADER)
    if not value or not signature:
        raise Unauthenticated("Sign in first: this request carries no identity.")
    if not hmac.compare_digest(_mac(secret, value, method, path), signature):
        raise Unauthenticated("The identity of this request could not be verified.")
    encoded, _, issued_at = value.rpartition(".")
    current = now if now is not None else time.time()
    if not issued_at.isdigit() or abs(current - int(issued_at)) > MAX_AGE_SECONDS:
        raise Unauthenticated("The identity of this request has expired.")
    return Identity.from_json(base64.urlsafe_b64decode(encoded).decode())


def _mac(secret: str, value: str, method: str, path: str) -> str:
    message = f"{value}\n{method.upper()}\n{path}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _str(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


async def current_identity(request: Request) -> Identity:
    """The caller, as the gateway signed it. The signature covers the decoded path
    (`scope["path"]`), the same string the gateway matched its route on, never `raw_path`, which keeps
    the percent-encoding (`/clients/a%20b`) and would refuse every such request as forged."""
    secret = request.app.state.runtime.settings.internal_auth_secret
    return verify_identity(request.headers, secret=secret, method=request.method, path=request.scope["path"])


IdentityDep = Annotated[Identity, Depends(current_identity)]


def allow(*roles: Role | str, rate_limit: str | None = None) -> dict[str, Any]:
    """Route options declaring who may call it: `@router.get("/x", **allow(*MANAGERS))`.

    `allow(PUBLIC)` needs no identity (sign-up, log-in). The roles are enforced here and listed in
    the OpenAPI operation as `x-roles` for the gateway. `rate_limit="auth"` asks the gateway to
    throttle the route per caller (sign-in and reset attempts).
    """
    names = [str(role.value if isinstance(role, Role) else role) for role in roles]
    extra: dict[str, Any] = {"x-roles": names}
    if rate_limit is not None:
        extra["x-rate-limit"] = rate_limit
    if names == [PUBLIC]:
        return {"openapi_extra": extra}

    async def require_role(identity: IdentityDep) -> Identity:
        if identity.role.value not in names:
            raise Forbidden("Your role cannot do this.", code="role_not_allowed",
                            details={"role": identity.role.value, "allowed": names})
        return identity

    return {"dependencies": [Depends(require_role)], "openapi_extra": extra}
