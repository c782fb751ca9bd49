"""The Twilio SDK client, pointed at api.twilio.com or at the local Twilio sandbox.

The SDK builds absolute URLs on several hosts (api.twilio.com, messaging.twilio.com,
trusthub.twilio.com, and `api.<edge>.<region>.twilio.com` when an edge is set). Its documented
extension point is the HTTP client, so the sandbox client rewrites each URL to
`<sandbox base>/<product>/<path>`: the sandbox serves `/api/2010-04-01/...`, `/messaging/v1/...`
and `/trusthub/v1/...`. Paging links the SDK follows are rewritten the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

DEFAULT_TIMEOUT_SECONDS = 10.0
"""The SDK waits forever by default; a stuck connection must not stall a consumer."""


class SandboxTwilioHttpClient(TwilioHttpClient):
    """Sends every SDK request to the Twilio sandbox at `base_url` instead of `*.twilio.com`."""

    def __init__(self, base_url: str, timeout: float | None = DEFAULT_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def sandbox_url(self, url: str) -> str:
        """`https://<product>[.edge.region].twilio.com/<path>?q` → `<base_url>/<product>/<path>?q`.

        Any other URL is returned unchanged (it is not a Twilio API call).
        """
        parts = urlsplit(url)
        host = parts.hostname or ""
        if not host.endswith(".twilio.com"):
            return url
        product = host.split(".", 1)[0]
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.base_url}/{product}{parts.path}{query}"

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        return super().request(
            method,
            self.sandbox_url(url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


def make_twilio_client(
    account_sid: str,
    auth_token: str,
    api_base: str | None,
    *,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
) -> Client:
    """A Twilio REST client; `api_base` (env TWILIO_API_BASE in dev) points it at the sandbox."""
    http_client = (
        SandboxTwilioHttpClient(api_base, timeout=timeout_seconds)
        if api_base
        else TwilioHttpClient(timeout=timeout_seconds)
    )
    return Client(account_sid, auth_token, http_client=http_client)


def is_valid_twilio_signature(
    auth_token: str, url: str, params: Mapping[str, str] | str, signature: str | None
) -> bool:
    """Whether a webhook request really comes from Twilio (or the sandbox, which signs alike).

    `url` is the full URL Twilio requested; `params` the form fields, or the raw body of a JSON
    request. Wraps the SDK's `RequestValidator`, which raises `TypeError` instead of answering
    False for a JSON body whose URL lacks `bodySHA256` (twilio-java and -ruby answer False).
    """
    if not signature:
        return False
    if isinstance(params, str) and "bodySHA256" not in parse_qs(urlsplit(url).query):
        return False
    return RequestValidator(auth_token).validate(url, params, signature)
