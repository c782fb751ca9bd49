"""Checks of what every service answers, shared by service, gateway and suite tests."""

from __future__ import annotations

import time
from typing import Any, Protocol


class _Response(Protocol):
    status_code: int
    text: str
    headers: Any

    def json(self) -> Any: ...


class _Client(Protocol):
    def get(self, url: str) -> _Response: ...


def assert_error(response: _Response, status: int, code: str) -> dict[str, Any]:
    """Assert the one error shape `{"error": {"code", "message", "details"}}` (petcare_kit.errors)
    with this status and stable code (what a frontend branches on), a JSON content type and a
    request id; returns the `error` object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert response.headers.get("x-request-id"), "every answer carries a request id"
    error: dict[str, Any] = body["error"]
    return error


def wait_until_ready(client: _Client, timeout: float = 10.0, path: str = "/ready") -> None:
    """Poll `path` with a synchronous client (FastAPI's TestClient, httpx.Client) until it answers
    200; AssertionError with the last answer after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (response := client.get(path)).status_code != 200:
        assert time.monotonic() < deadline, response.text
        time.sleep(0.02)
