"""The sandbox signs webhooks exactly as Twilio does: all 14 external vectors reproduce."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from petcare_kit.providers.twilio import is_valid_twilio_signature
from petcare_tools.sandboxes.signing import body_sha256, compute_signature, sign_json_request
from twilio.request_validator import RequestValidator

VECTORS_FILE = Path("/work/shared/testdata/twilio/signature_vectors.json")
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_FILE.read_text())["vectors"]


def test_the_vector_file_holds_the_14_vectors() -> None:
    assert len(VECTORS) == 14


def urls_a_validator_tries(url: str) -> list[str]:
    """The URL as given, without its port, and with the scheme's default port (what validators try)."""
    parts = urlsplit(url)
    credentials, _, host_and_port = parts.netloc.rpartition("@")
    host = host_and_port.split(":")[0]
    prefix = f"{credentials}@" if credentials else ""
    default_port = 443 if parts.scheme == "https" else 80
    variants = [f"{prefix}{host}", f"{prefix}{host}:{default_port}"]
    return [url] + [parts._replace(netloc=netloc).geturl() for netloc in variants]


def params_of(vector: dict[str, Any]) -> Any:
    return vector.get("params") or [tuple(pair) for pair in vector.get("params_multi", [])]


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS if v["kind"].startswith("form")], ids=lambda v: v["id"]
)
def test_form_signatures_match_the_vectors(vector: dict[str, Any]) -> None:
    token, url, params = vector["auth_token"], vector["url"], params_of(vector)
    signatures = {compute_signature(token, candidate, params) for candidate in urls_a_validator_tries(url)}
    assert vector["expected_signature"] in signatures
    if vector["id"] in (
        "form_basic",
        "form_duplicate_keys",
        "docs_example_12349013030",
        "form_http_port_1234",
    ):
        assert compute_signature(token, url, params) == vector["expected_signature"]
    if isinstance(params, dict):
        assert RequestValidator(token).validate(url, params, vector["expected_signature"])
        assert is_valid_twilio_signature(token, url, params, vector["expected_signature"])
        assert not is_valid_twilio_signature("another-token", url, params, vector["expected_signature"])


def test_a_json_body_is_hashed_as_the_vector_says() -> None:
    (vector,) = [v for v in VECTORS if v["kind"] == "body-hash"]
    assert body_sha256(vector["body"]) == vector["expected_sha256_hex"]


@pytest.mark.parametrize("vector", [v for v in VECTORS if v["kind"] == "json"], ids=lambda v: v["id"])
def test_json_requests_sign_the_url_carrying_the_body_hash(vector: dict[str, Any]) -> None:
    url_without_hash = vector["url"].split("bodySHA256=")[0].rstrip("?&")
    signed_url, signature = sign_json_request(vector["auth_token"], url_without_hash, vector["body"])
    assert (signed_url, signature) == (vector["url"], vector["expected_signature"])
    assert RequestValidator(vector["auth_token"]).validate(signed_url, vector["body"], signature)
    assert is_valid_twilio_signature(vector["auth_token"], signed_url, vector["body"], signature)


def test_a_json_body_without_body_hash_is_refused_not_crashed_on() -> None:
    (vector,) = [v for v in VECTORS if v["kind"] == "json-negative"]
    with pytest.raises(TypeError):  # the SDK's own validator, as the vector's note says
        RequestValidator(vector["auth_token"]).validate(
            vector["url"], vector["body"], vector["expected_signature"]
        )
    assert not is_valid_twilio_signature(
        vector["auth_token"], vector["url"], vector["body"], vector["expected_signature"]
    )
