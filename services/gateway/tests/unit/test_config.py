"""Settings: safe defaults in development, no guesses in production."""

from __future__ import annotations

import pytest
from gateway.config import DEV_TOKEN_SIGNING_SECRET, GatewaySettings
from pydantic import ValidationError

REAL_SECRET = "a-real-token-signing-secret-of-40-bytes!"
UPSTREAMS = '{"clients": "http://clients:8000/"}'


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("ENVIRONMENT", "TOKEN_SIGNING_SECRET", "INTERNAL_AUTH_SECRET", "GATEWAY_SERVICES",
                 "GATEWAY_CORS_ORIGINS"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_the_development_token_secret(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("INTERNAL_AUTH_SECRET", "real-internal")
    monkeypatch.setenv("GATEWAY_SERVICES", UPSTREAMS)
    with pytest.raises(ValidationError, match="TOKEN_SIGNING_SECRET"):
        GatewaySettings()
    monkeypatch.setenv("TOKEN_SIGNING_SECRET", "short")
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        GatewaySettings()
    monkeypatch.setenv("TOKEN_SIGNING_SECRET", REAL_SECRET)
    assert GatewaySettings().token_signing_secret == REAL_SECRET


def test_production_needs_the_upstream_list(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("INTERNAL_AUTH_SECRET", "real-internal")
    monkeypatch.setenv("TOKEN_SIGNING_SECRET", REAL_SECRET)
    with pytest.raises(ValidationError, match="GATEWAY_SERVICES"):
        GatewaySettings()


def test_upstreams_come_from_json_without_trailing_slashes(monkeypatch):
    monkeypatch.setenv("GATEWAY_SERVICES", UPSTREAMS)
    assert GatewaySettings().upstreams() == {"clients": "http://clients:8000"}


def test_a_service_name_must_be_usable_in_the_url(monkeypatch):
    monkeypatch.setenv("GATEWAY_SERVICES", '{"Clients/v2": "http://x"}')
    with pytest.raises(ValidationError, match="URL segment"):
        GatewaySettings()


def test_in_development_every_installed_service_is_an_upstream_on_its_dev_port():
    settings = GatewaySettings()
    assert settings.token_signing_secret == DEV_TOKEN_SIGNING_SECRET
    upstreams = settings.upstreams()
    assert "gateway" not in upstreams
    assert all(url.startswith("http://127.0.0.1:") for url in upstreams.values())


@pytest.mark.parametrize("value", ['["https://app.example", "https://admin.example"]',
                                   "https://app.example, https://admin.example"])
def test_cors_origins_accept_json_or_commas(monkeypatch, value):
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", value)
    assert GatewaySettings().cors_origins == ["https://app.example", "https://admin.example"]


def test_default_cors_origins_are_the_usual_local_frontends():
    assert {"http://localhost:3000", "http://localhost:5173"} <= set(GatewaySettings().cors_origins)
