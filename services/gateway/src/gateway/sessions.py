"""The session check: is this person's session still on, right now?

A JWT stays valid until it expires, but a client who is deactivated (or signs out everywhere, or
changes a password) must be refused on the very next request, on every replica. Replicas share no
memory, so each asks the one place that knows, the clients service, on every authenticated
request: `GET /internal/sessions/{person_id}?version={sv}`, signed as the gateway (role internal).
Nothing is cached, on purpose: a cache would be a window in which a revoked token still works.

If the clients service cannot answer, the gateway fails closed (503 `auth_unavailable`) rather
than letting an unchecked token through.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import aiohttp
from petcare_kit.identity import Identity, Role, sign_identity

from gateway.errors import AuthUnavailable, NotAuthenticated
from gateway.tokens import AccessClaims
from gateway.upstream_calls import Answer, TransportError, send

log = logging.getLogger(__name__)

SESSION_SERVICE = "clients"
_GATEWAY = Identity(role=Role.INTERNAL)


class SessionChecker:
    def __init__(self, http: aiohttp.ClientSession, *, clients_url: str | None, secret: str,
                 timeout: float) -> None:
        self.http, self.clients_url, self.secret, self.timeout = http, clients_url, secret, timeout

    async def ensure_active(self, claims: AccessClaims, headers: Mapping[str, str]) -> None:
        """Return if the session is on; raise 401 (the clients service's code) or 503 otherwise.

        `headers`: request/correlation ids to carry along, so the check shows up in the same trace.
        """
        if self.clients_url is None:
            raise AuthUnavailable("Sign-in checks are unavailable: the clients service is not configured.")
        path = f"/internal/sessions/{claims.person_id}"
        signed = sign_identity(_GATEWAY, secret=self.secret, method="GET", path=path)
        try:
            response = await send(  # a GET: sent again on a fresh connection if a pooled one was stale
                self.http, "GET", f"{self.clients_url}{path}?version={claims.session_version}",
                headers={**headers, **signed}, time_limit=self.timeout,
            )
        except (TransportError, TimeoutError) as error:
            log.warning("session check failed: %r", error)
            raise self._unavailable() from None
        if response.status == 200 and _is_active(response):
            return
        if response.status in (200, 401):
            message, code = _refusal(response)
            raise NotAuthenticated(message, code=code)
        log.error("session check answered %s: %s", response.status, response.text[:500])
        raise self._unavailable()

    @staticmethod
    def _unavailable() -> AuthUnavailable:
        return AuthUnavailable("We cannot check your sign-in right now; try again in a moment.",
                               headers={"Retry-After": "5"})


_ACTIVE = b'{"active":true}'
"""The clients service's answer, byte for byte: recognised without parsing JSON."""


def _is_active(response: Answer) -> bool:
    if response.body == _ACTIVE:
        return True
    try:
        return response.json().get("active") is True
    except (ValueError, AttributeError):
        return False


def _refusal(response: Answer) -> tuple[str, str]:
    """The clients service's message and code for a refused session (`session_revoked`, ...)."""
    try:
        error = response.json()["error"]
        return str(error["message"]), str(error["code"])
    except (ValueError, KeyError, TypeError):
        return "Your session has ended: sign in again.", "session_revoked"
