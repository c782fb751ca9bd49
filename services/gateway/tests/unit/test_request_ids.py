"""Request ids and the headers that are (not) sent on to services."""

from __future__ import annotations

from gateway.proxy import headers_to_forward
from gateway.request_ids import with_request_id


def test_exactly_one_request_id_is_set():
    headers = with_request_id([(b"x-request-id", b"a1"), (b"x-request-id", b"a2"), (b"accept", b"*/*")])
    assert [v for k, v in headers if k == b"x-request-id"] == [b"a1"]


def test_a_correlation_id_with_odd_characters_is_dropped():
    headers = with_request_id([(b"x-correlation-id", b"bad id\x7f")])
    assert not [k for k, _ in headers if k == b"x-correlation-id"]


def test_internal_and_credential_headers_are_never_forwarded():
    incoming = [("X-Petcare-Identity", "forged"), ("x-petcare-identity-signature", "forged"),
                ("Authorization", "Bearer t"), ("Host", "gw"), ("Content-Length", "3"),
                ("Transfer-Encoding", "chunked"), ("Content-Type", "application/json"), ("Accept", "*/*"),
                ("Idempotency-Key", "k1")]
    kept = dict(headers_to_forward(incoming, added={"x-request-id": "r"}))
    assert kept == {"Content-Type": "application/json", "Accept": "*/*", "Idempotency-Key": "k1",
                    "x-request-id": "r"}
