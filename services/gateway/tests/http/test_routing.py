"""What exists behind /api/<service>/..., and what never does."""

from __future__ import annotations

import json
import time
from urllib.parse import unquote
from uuid import uuid4

import pytest


@pytest.mark.parametrize(
    "path",
    ["/api/billing/invoices", "/api/clients/no/such/route", "/api/clients", "/nowhere",
     "/api/clients/internal/sessions/{person}", "/api/clients/probe"],
    ids=["unknown service", "unknown path", "service root", "outside /api", "internal route",
         "route without x-roles"],
)
def test_unknown_and_unexposed_routes_are_404(gateway, admin, assert_error, fake_state, path):
    response = gateway.get(path.format(person=admin.person_id), headers=admin.headers())
    assert_error(response, 404, "not_found")
    assert fake_state.session_checks == [] and fake_state.calls["probe"] == 0


@pytest.mark.parametrize("path", ["/api/nope", "/api/clients", "/api/openapi.json", "/api/clients/company/settings/"])
def test_a_path_one_slash_away_is_a_404_in_the_error_shape_not_a_redirect(gateway, admin, assert_error, path):
    """A careless client must get the one error shape at once, never a 307 with an empty body."""
    assert_error(gateway.get(path, headers=admin.headers(), follow_redirects=False), 404, "not_found")


def test_an_internal_route_is_404_for_every_method(gateway, admin, assert_error, fake_state):
    assert_error(gateway.post("/api/clients/internal/reindex", headers=admin.headers()), 404, "not_found")
    assert fake_state.calls["reindex"] == 0


def test_a_known_path_with_another_method_is_405_listing_the_allowed_ones(gateway, admin, assert_error):
    response = gateway.delete("/api/clients/company/settings", headers=admin.headers())
    error = assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET" and error["details"] == {"allowed": ["GET"]}


@pytest.mark.parametrize("raw_path", [b"/api/clients/files/../company/settings",
                                      b"/api/clients/files/%2e%2e/company/settings"])
def test_dot_segments_cannot_smuggle_a_request_to_another_route(gateway, client_person, fake_state, raw_path):
    """`/files/{folder}/{name}/{version}` matches these for the gateway, while an HTTP client (or the
    service) would read them as another route, checked for other roles."""
    # Sent as is (curl --path-as-is): HTTP clients would collapse the dots before sending.
    status, body = gateway.portal.call(_raw_get, gateway.app, raw_path, client_person.headers())
    assert (status, json.loads(body)["error"]["code"]) == (404, "not_found")
    assert fake_state.calls["company_settings"] == fake_state.calls["file"] == 0


async def _raw_get(app, raw_path: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": unquote(raw_path.decode()), "raw_path": raw_path, "query_string": b"", "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_routes_of_several_services_are_served(gateway, client_person):
    response = gateway.get("/api/scheduling/visits", headers=client_person.headers())
    assert response.status_code == 200, response.text
    assert response.json()[0]["pet"]["name"] == "Rex"


def test_until_every_service_has_answered_the_gateway_is_not_ready(start_gateway, upstreams, assert_error):
    dead = "http://127.0.0.1:9"  # discard port: nothing answers there
    client = start_gateway({**upstreams, "billing": dead}, wait=False)
    # the services that answer are routed meanwhile
    deadline = time.monotonic() + 60  # generous: a loaded machine
    while client.get(f"/api/clients/clients/{uuid4()}").status_code != 401:
        assert time.monotonic() < deadline, "the clients routes never loaded"
        time.sleep(0.02)
    while client.get("/api/scheduling/visits").status_code != 401:
        assert time.monotonic() < deadline, "the scheduling routes never loaded"
        time.sleep(0.02)
    error = assert_error(client.get("/ready"), 503, "unavailable")
    assert error["details"] == {"waiting_for": ["billing"]}
    assert client.get("/health").json() == {"status": "ok"}
    assert_error(client.get("/api/billing/invoices"), 503, "upstream_not_ready")
