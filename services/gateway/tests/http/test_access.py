"""Who gets through the gateway: tokens, roles, own records, company, live session checks."""

from __future__ import annotations

import time
from uuid import uuid4

import pytest
from petcare_kit.identity import Role


def test_a_public_route_is_forwarded_without_any_identity(gateway, fake_state):
    response = gateway.post("/api/clients/auth/sign-in", json={"email": "a@b.c", "password": "pw"})
    assert response.status_code == 200, response.text
    assert response.json() == {"access_token": "issued", "identity_header": None}
    assert fake_state.session_checks == [], "no session to check on a public route"


def test_a_signed_in_client_reaches_their_own_record_as_themself(gateway, client_person, fake_state):
    response = gateway.get(f"/api/clients/clients/{client_person.person_id}", headers=client_person.headers())
    assert response.status_code == 200, response.text
    assert response.json()["seen"] == {"role": "client", "person_id": str(client_person.person_id),
                                       "company_id": str(client_person.company_id)}
    assert fake_state.session_checks == [(client_person.person_id, client_person.session_version)]


def test_without_a_token_the_answer_is_401_asking_to_sign_in(gateway, assert_error, fake_state):
    response = gateway.get(f"/api/clients/clients/{uuid4()}")
    assert_error(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    assert fake_state.calls["get_client"] == 0


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        ("Bearer not-a-jwt", "invalid_token"),
        ("Basic dXNlcjpwYXNz", "invalid_token"),
        (lambda p: f"Bearer {p.token(secret='another-secret-that-is-32-bytes-long')}", "invalid_token"),
        (lambda p: f"Bearer {p.token(exp=int(time.time()) - 60)}", "token_expired"),
        (lambda p: f"Bearer {p.token(typ='password_reset')}", "invalid_token"),
        (lambda p: f"Bearer {p.token(iss='someone-else')}", "invalid_token"),
        (lambda p: f"Bearer {p.token(role='internal')}", "invalid_token"),
        (lambda p: f"Bearer {p.token(sv=None)}", "invalid_token"),
        (lambda p: f"Bearer {p.token(cid='not-a-uuid')}", "invalid_token"),
    ],
    ids=["garbage", "not bearer", "wrong secret", "expired", "not an access token", "other issuer",
         "internal role", "no session version", "bad company"],
)
def test_a_token_that_is_not_a_valid_access_token_is_401(gateway, client_person, assert_error, fake_state,
                                                         authorization, code):
    header = authorization(client_person) if callable(authorization) else authorization
    response = gateway.get(f"/api/clients/clients/{client_person.person_id}",
                           headers={"Authorization": header})
    assert_error(response, 401, code)
    assert fake_state.calls["get_client"] == 0


def test_a_role_the_operation_does_not_list_is_403(gateway, client_person, assert_error, fake_state):
    response = gateway.get("/api/clients/company/settings", headers=client_person.headers())
    error = assert_error(response, 403, "role_not_allowed")
    assert error["details"] == {"role": "client", "allowed": ["admin", "office_manager"]}
    assert fake_state.calls["company_settings"] == 0


def test_the_gateway_enforces_roles_even_where_a_service_forgot_to(gateway, client_person, person,
                                                                   assert_error, fake_state):
    refused = gateway.get("/api/clients/reports", headers=client_person.headers())
    assert_error(refused, 403, "role_not_allowed")
    assert fake_state.calls["reports"] == 0
    manager = person(Role.OFFICE_MANAGER)
    assert gateway.get("/api/clients/reports", headers=manager.headers()).status_code == 200


def test_managers_reach_company_settings(gateway, person):
    for role in (Role.ADMIN, Role.OFFICE_MANAGER):
        manager = person(role)
        response = gateway.get("/api/clients/company/settings", headers=manager.headers())
        assert response.status_code == 200, response.text
        assert response.json()["seen"]["role"] == role.value


def test_a_client_asking_for_another_client_gets_404_as_if_nothing_were_there(gateway, client_person, person,
                                                                              assert_error, fake_state):
    other = person(Role.CLIENT, company_id=client_person.company_id)
    response = gateway.get(f"/api/clients/clients/{other.person_id}", headers=client_person.headers())
    assert assert_error(response, 404, "not_found") == assert_error(gateway.get("/api/clients/nothing"),
                                                                    404, "not_found")
    write = gateway.post(f"/api/clients/clients/{other.person_id}/pets", json={"name": "Rex"},
                         headers=client_person.headers())
    assert_error(write, 404, "not_found")
    assert fake_state.calls["get_client"] == fake_state.calls["add_pet"] == 0


def test_staff_reach_any_client_of_their_company(gateway, person):
    staff = person(Role.STAFF)
    response = gateway.get(f"/api/clients/clients/{uuid4()}", headers=staff.headers())
    assert response.status_code == 200, response.text
    assert response.json()["seen"]["company_id"] == str(staff.company_id)


def test_another_company_in_the_path_is_404(gateway, admin, assert_error, fake_state):
    mine = gateway.get(f"/api/clients/companies/{admin.company_id}/summary", headers=admin.headers())
    assert mine.status_code == 200, mine.text
    theirs = gateway.get(f"/api/clients/companies/{uuid4()}/summary", headers=admin.headers())
    assert_error(theirs, 404, "not_found")
    assert fake_state.calls["company_summary"] == 1


def test_r_inact_2_a_revoked_session_is_refused_on_the_very_next_request_by_every_replica(
        start_gateway, upstreams, client_person, fake_state, assert_error):
    replicas = [start_gateway(upstreams), start_gateway(upstreams)]
    path, headers = f"/api/clients/clients/{client_person.person_id}", client_person.headers()
    assert [r.get(path, headers=headers).status_code for r in replicas] == [200, 200]

    fake_state.revoked.add(client_person.person_id)  # the client is deactivated
    for replica in replicas:
        error = assert_error(replica.get(path, headers=headers), 401, "session_revoked")
        assert error["message"] == "This session has ended. Sign in again."
    assert fake_state.calls["get_client"] == 2, "the service never saw the revoked requests"


def test_a_revoked_session_is_401_even_where_the_role_would_be_403(gateway, client_person, fake_state,
                                                                    assert_error):
    fake_state.revoked.add(client_person.person_id)
    response = gateway.get("/api/clients/company/settings", headers=client_person.headers())
    assert_error(response, 401, "session_revoked")


def test_the_session_check_carries_the_token_session_version(gateway, fake_state, person):
    staff = person(Role.STAFF, session_version=7)
    gateway.get(f"/api/clients/clients/{uuid4()}", headers=staff.headers())
    assert fake_state.session_checks == [(staff.person_id, 7)]
