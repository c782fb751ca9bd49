"""The SendGrid SDK client, pointed at api.sendgrid.com or at the local SendGrid sandbox."""

from __future__ import annotations

from sendgrid import SendGridAPIClient

DEFAULT_TIMEOUT_SECONDS = 10.0
"""The SDK waits forever by default; a stuck connection must not stall a consumer."""


def make_sendgrid_client(
    api_key: str, host: str | None, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
) -> SendGridAPIClient:
    """A SendGrid v3 client; `host` (e.g. `http://127.0.0.1:PORT`, the sandbox) replaces the API host."""
    client = SendGridAPIClient(api_key=api_key, host=host) if host else SendGridAPIClient(api_key=api_key)
    # SendGridAPIClient takes no timeout; its python_http_client.Client reads this attribute on each call.
    client.client.timeout = timeout_seconds
    return client
