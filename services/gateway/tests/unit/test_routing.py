"""The route table copies how the services route, so the gateway guards what they will run."""

from __future__ import annotations

import pytest
from gateway.errors import MethodNotAllowed, RouteNotFound
from gateway.routing import RouteTable


def op(roles, **extra):
    return {"x-roles": roles, **extra} if roles is not None else dict(extra)


DOCUMENT = {"paths": {
    "/clients/me": {"get": op(["client"])},
    "/clients/{client_id}": {"get": op(["admin", "client"]), "delete": op(["admin"])},
    "/clients/{client_id}/pets/{pet_id}": {"get": op(["client"])},
    "/auth/sign-in": {"post": op(["public"], **{"x-rate-limit": "auth"})},
    "/internal/sessions/{person_id}": {"get": op(["internal"])},
    "/health": {"get": op(None)},
    "/mixed": {"get": op(["public"]), "post": op(["internal"])},
}}
TABLE = RouteTable.from_openapi(DOCUMENT)


def test_the_first_declared_template_wins_like_starlette():
    assert TABLE.match("GET", "/clients/me").operation.template == "/clients/me"
    match = TABLE.match("GET", "/clients/42")
    assert match.operation.template == "/clients/{client_id}" and match.params == {"client_id": "42"}


def test_parameters_span_one_segment_only():
    match = TABLE.match("GET", "/clients/1/pets/2")
    assert match.params == {"client_id": "1", "pet_id": "2"}
    with pytest.raises(RouteNotFound):
        TABLE.match("GET", "/clients/1/2")


def test_roles_and_rate_limit_come_from_the_operation():
    sign_in = TABLE.match("POST", "/auth/sign-in").operation
    assert sign_in.is_public and sign_in.rate_limit == "auth"
    assert TABLE.match("DELETE", "/clients/1").operation.roles == ("admin",)


@pytest.mark.parametrize("path", ["/internal/sessions/1", "/health", "/nothing", "/clients/1/"])
def test_unexposed_and_unknown_paths_are_not_found(path):
    with pytest.raises(RouteNotFound):
        TABLE.match("GET", path)


def test_another_method_on_a_known_path_is_405_without_revealing_internal_ones():
    with pytest.raises(MethodNotAllowed) as refused:
        TABLE.match("PUT", "/clients/1")
    assert refused.value.headers == {"Allow": "GET, DELETE"}
    with pytest.raises(MethodNotAllowed) as mixed:
        TABLE.match("POST", "/mixed")
    assert mixed.value.headers == {"Allow": "GET"}


def test_head_is_answered_by_the_get_operation():
    assert TABLE.match("HEAD", "/clients/me").operation.method == "GET"


def test_a_mixed_role_list_with_public_still_needs_a_token():
    table = RouteTable.from_openapi({"paths": {"/x": {"get": op(["public", "client"])}}})
    assert not table.match("GET", "/x").operation.is_public
