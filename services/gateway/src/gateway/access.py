"""Who is calling, and may they reach this operation? The gateway's checks, in order.

1. Public operations (`x-roles: ["public"]`: sign-up, log-in) go on with no identity at all.
2. Otherwise a valid access token (401: `unauthenticated`, `invalid_token`, `token_expired`).
3. The session is still on (401 with the clients service's code, e.g. `session_revoked`). Checked
   before the role so that a revoked token gets the one answer that makes a frontend sign out,
   whatever it asked for.
4. The role is one the operation lists (403 `role_not_allowed`).
5. Tenant and ownership in the path: a `{company_id}` must be the caller's company, and a client's
   `{client_id}` must be the client themself (404 `not_found`, the answer for a route that does not
   exist, so a caller cannot probe for other people's records).

Services check roles, company and ownership again (defence in depth); what they trust is the
identity the gateway signs from the token, never anything else the caller sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from petcare_kit.identity import Identity, Role

from gateway.errors import RoleNotAllowed, not_found
from gateway.routing import RouteMatch
from gateway.sessions import SessionChecker
from gateway.tokens import AccessClaims, bearer_token, verify_access_token


class AccessPolicy:
    def __init__(self, sessions: SessionChecker, *, secret: str, issuer: str, leeway: float) -> None:
        self.sessions, self.secret, self.issuer, self.leeway = sessions, secret, issuer, leeway

    async def caller(self, match: RouteMatch, *, authorization: str | None,
                     trace_headers: Mapping[str, str]) -> Identity | None:
        """The identity to forward with the request (None for a public operation), or raise."""
        operation = match.operation
        if operation.is_public:
            return None
        claims = verify_access_token(bearer_token(authorization), secret=self.secret, issuer=self.issuer,
                                     leeway=self.leeway)
        await self.sessions.ensure_active(claims, trace_headers)
        if claims.role.value not in operation.roles:
            raise RoleNotAllowed("Your role cannot do this.",
                                 details={"role": claims.role.value, "allowed": list(operation.roles)})
        enforce_own_records(claims, match.params)
        return claims.identity()


def enforce_own_records(claims: AccessClaims, params: Mapping[str, str]) -> None:
    """A caller reaches only their company; a client reaches only their own client record."""
    if "company_id" in params and not _same_id(params["company_id"], claims.company_id):
        raise not_found()
    if claims.role == Role.CLIENT and "client_id" in params and not _same_id(params["client_id"],
                                                                          claims.person_id):
        raise not_found()


def _same_id(value: str, expected: UUID) -> bool:
    try:
        return UUID(value) == expected
    except ValueError:
        return False
