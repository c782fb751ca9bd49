"""Log-in and reset attempts are limited per address, before the clients service is bothered."""

from __future__ import annotations

LIMIT = 3  # conftest.LOGIN_ATTEMPTS_PER_MINUTE


def sign_in(gateway, **headers):
    return gateway.post("/api/clients/auth/sign-in", json={"email": "a@b.c", "password": "guess"},
                        headers=headers)


def test_after_n_sign_in_attempts_the_next_one_is_429_with_retry_after(gateway, fake_state, assert_error):
    assert [sign_in(gateway).status_code for _ in range(LIMIT)] == [200] * LIMIT
    refused = sign_in(gateway)
    error = assert_error(refused, 429, "rate_limited")
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60 and error["details"] == {"retry_after_seconds": retry_after}
    assert fake_state.calls["sign_in"] == LIMIT, "the refused attempt never reached the clients service"


def test_routes_without_the_mark_are_not_limited(gateway):
    assert {gateway.get("/api/clients/echo").status_code for _ in range(LIMIT * 3)} == {200}


def test_each_replica_counts_on_its_own(start_gateway, upstreams):
    """No shared memory: the per-account limit that holds across replicas is the clients service's."""
    first, second = start_gateway(upstreams), start_gateway(upstreams)
    for _ in range(LIMIT):
        sign_in(first)
    assert sign_in(first).status_code == 429
    assert sign_in(second).status_code == 200
