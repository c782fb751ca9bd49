"""What the gateway sends on to a service and what comes back: headers, ids, bodies, failures."""

from __future__ import annotations

from uuid import UUID, uuid4

from petcare_kit.identity import Identity, Role, sign_identity


def forged_admin_headers(path: str, secret: str = "test-internal-secret") -> dict[str, str]:
    """An admin identity, validly signed: what a leaked or replayed header would look like."""
    forged = Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4())
    return sign_identity(forged, secret=secret, method="GET", path=path)


def test_a_caller_forged_identity_never_reaches_a_public_route(gateway):
    response = gateway.get("/api/clients/echo", headers={**forged_admin_headers("/echo"),
                                                         "X-Petcare-Anything": "x"})
    assert response.status_code == 200, response.text
    seen = response.json()["headers"]
    assert not [name for name in seen if name.startswith("x-petcare-")], seen


def test_a_caller_forged_identity_is_replaced_by_the_one_from_the_token(gateway, client_person):
    path = f"/clients/{client_person.person_id}"
    response = gateway.get(f"/api/clients{path}", headers={**client_person.headers(),
                                                           **forged_admin_headers(path)})
    assert response.status_code == 200, response.text
    assert response.json()["seen"]["role"] == "client"
    assert response.json()["seen"]["person_id"] == str(client_person.person_id)


def test_a_forged_admin_header_does_not_open_manager_routes(gateway, client_person, assert_error, fake_state):
    response = gateway.get("/api/clients/company/settings",
                           headers={**client_person.headers(), **forged_admin_headers("/company/settings")})
    assert_error(response, 403, "role_not_allowed")
    assert fake_state.calls["company_settings"] == 0


def test_credentials_and_hop_by_hop_headers_stay_at_the_gateway(gateway):
    response = gateway.get("/api/clients/echo?b=2&a=%2F", headers={
        "Authorization": "Bearer something", "Cookie": "sid=1", "X-Custom": "kept", "Accept-Language": "fr",
        "Connection": "keep-alive, X-Hop", "X-Hop": "dropped", "X-Forwarded-For": "6.6.6.6",
    })
    echoed = response.json()
    seen = echoed["headers"]
    assert "authorization" not in seen and "cookie" not in seen and "x-hop" not in seen
    assert seen["x-custom"] == "kept" and seen["accept-language"] == "fr"
    assert seen["x-forwarded-for"] != "6.6.6.6" and seen["x-forwarded-prefix"] == "/api/clients"
    assert echoed["path"] == "/echo" and echoed["query"] == "b=2&a=%2F"


def test_bodies_go_up_as_sent_with_their_content_type_and_none_made_up(gateway):
    typed = gateway.post("/api/clients/echo", content=b'{"a": 1}', headers={"Content-Type": "application/json"})
    assert typed.json()["body"] == '{"a": 1}' and typed.json()["headers"]["content-type"] == "application/json"
    untyped = gateway.post("/api/clients/echo", content=b"raw bytes")
    assert untyped.json()["body"] == "raw bytes" and "content-type" not in untyped.json()["headers"]
    assert untyped.json()["headers"]["content-length"] == "9"


def test_encoded_paths_reach_the_service_as_sent_and_keep_a_valid_signature(gateway, client_person):
    response = gateway.get("/api/clients/files/a%20caf%C3%A9/n/v", headers=client_person.headers())
    assert response.status_code == 200, response.text
    assert response.json() == {"folder": "a café"}


def test_a_request_id_is_made_forwarded_and_returned(gateway, client_person):
    response = gateway.get(f"/api/clients/clients/{client_person.person_id}", headers=client_person.headers())
    returned = response.headers["x-request-id"]
    assert UUID(returned) and response.json()["request_id"] == returned


def test_the_caller_request_id_is_kept_and_correlates_the_call(gateway):
    response = gateway.get("/api/clients/echo", headers={"X-Request-Id": "frontend-42"})
    seen = response.json()["headers"]
    assert response.headers["x-request-id"] == "frontend-42"
    assert seen["x-request-id"] == "frontend-42" and seen["x-correlation-id"] == "frontend-42"


def test_an_implausible_request_id_is_replaced(gateway):
    response = gateway.get("/api/clients/echo", headers={"X-Request-Id": "x" * 500})
    assert UUID(response.headers["x-request-id"])
    assert response.json()["headers"]["x-request-id"] == response.headers["x-request-id"]


def test_bodies_statuses_and_locations_come_back_as_the_service_sent_them(gateway, client_person):
    response = gateway.post(f"/api/clients/clients/{client_person.person_id}/pets",
                            json={"name": "Rex", "species": "cat"}, headers=client_person.headers())
    assert response.status_code == 201, response.text
    assert response.json() == {"name": "Rex", "species": "cat"}
    assert response.headers["location"] == f"/api/clients/clients/{client_person.person_id}/pets/1"


def test_a_service_error_reaches_the_caller_unchanged(gateway, client_person, assert_error):
    response = gateway.post(f"/api/clients/clients/{client_person.person_id}/pets", json={"species": "cat"},
                            headers=client_person.headers())
    error = assert_error(response, 422, "validation_error")
    assert error["details"][0]["field"] == "body.name"


def test_a_slow_service_is_a_504(slow_gateway, client_person, assert_error):
    error = assert_error(slow_gateway.get("/api/clients/slow", headers=client_person.headers()), 504,
                         "upstream_timeout")
    assert error["details"]["service"] == "clients"


def test_a_service_that_went_away_is_a_502(start_gateway, upstreams, doomed_service, person, assert_error):
    scheduling = doomed_service("scheduling")
    gateway = start_gateway({"clients": upstreams["clients"], "scheduling": scheduling.url})
    staff = person(Role.STAFF)
    visit = {"pet": {"name": "Rex"}, "starts_at": "now"}
    assert gateway.post("/api/scheduling/visits", json=visit, headers=staff.headers()).status_code == 201
    scheduling.stop()
    response = gateway.post("/api/scheduling/visits", json=visit, headers=staff.headers())
    error = assert_error(response, 502, "upstream_unavailable")
    assert error["details"] == {"service": "scheduling"}


def test_when_sign_ins_cannot_be_checked_nothing_gets_through(start_gateway, upstreams, doomed_service,
                                                             client_person, assert_error, fake_state):
    """Fail closed: an unchecked token could belong to a deactivated client."""
    clients = doomed_service("clients")
    gateway = start_gateway({"clients": clients.url, "scheduling": upstreams["scheduling"]})
    assert gateway.get("/api/scheduling/visits", headers=client_person.headers()).status_code == 200
    clients.stop()
    response = gateway.get("/api/scheduling/visits", headers=client_person.headers())
    assert_error(response, 503, "auth_unavailable")
    assert response.headers["retry-after"] == "5"
    assert fake_state.calls["list_visits"] == 1


def test_an_oversized_body_is_413_before_any_service_sees_it(gateway, client_person, assert_error,
                                                             fake_state):
    path = f"/api/clients/clients/{client_person.person_id}/pets"
    big = {"name": "R" * 4096}
    assert_error(gateway.post(path, json=big, headers=client_person.headers()), 413, "payload_too_large")

    def chunks():  # no Content-Length: the limit must hold on the stream too
        yield b'{"name": "'
        for _ in range(10):
            yield b"R" * 512
        yield b'"}'
    streamed = gateway.post(path, content=chunks(), headers={**client_person.headers(),
                                                             "Content-Type": "application/json"})
    assert_error(streamed, 413, "payload_too_large")
    assert fake_state.calls["add_pet"] == 0


def test_frontends_on_the_configured_origins_may_call_from_a_browser(gateway):
    preflight = gateway.options("/api/clients/auth/sign-in", headers={
        "Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    })
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
    refused = gateway.get("/api/clients/nothing", headers={"Origin": "http://localhost:5173"})
    assert refused.status_code == 404
    assert refused.headers["access-control-allow-origin"] == "http://localhost:5173", "errors readable too"
    assert "x-request-id" in refused.headers["access-control-expose-headers"].lower()


def test_other_origins_get_no_cors_permission(gateway):
    preflight = gateway.options("/api/clients/auth/sign-in", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
