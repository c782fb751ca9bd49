"""The gateway's settings (`GATEWAY_*`, plus the unprefixed secrets it shares with the services).

Defaults serve the embedded dev run; `ENVIRONMENT=production` refuses the development token
secret and insists on an explicit upstream list, so a deployment never trusts a guess.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from petcare_kit.service_spec import installed_services
from petcare_kit.settings import ServiceSettings, shared
from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

DEV_TOKEN_SIGNING_SECRET = "dev-token-signing-secret-change-me"
MIN_TOKEN_SECRET_BYTES = 32
"""HS256 keys shorter than the hash (RFC 7518 §3.2) are refused in production."""
SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
DEV_FRONTEND_ORIGINS = [
    "http://localhost:3000", "http://127.0.0.1:3000",  # Next.js, Create React App
    "http://localhost:5173", "http://127.0.0.1:5173",  # Vite
]


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    service_name: str = "gateway"
    token_signing_secret: str = Field(DEV_TOKEN_SIGNING_SECRET,
                                      validation_alias=shared("TOKEN_SIGNING_SECRET"))
    token_issuer: str = "petcare-clients"
    token_leeway_seconds: float = 5.0
    """Clock skew tolerated between the clients service that issues tokens and this replica."""

    services: dict[str, str] | None = None
    """`{"clients": "http://127.0.0.1:8101", ...}`; unset in development/test: every installed service."""
    upstream_timeout_seconds: float = 10.0
    session_check_timeout_seconds: float = 5.0
    routes_refresh_seconds: float = 30.0
    routes_retry_max_seconds: float = 5.0
    """Longest pause between attempts to load a service's routes while it is still starting."""

    auth_rate_limit_per_minute: int = 10
    """Attempts per client IP per log-in/reset route per replica (`x-rate-limit: auth`)."""
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(DEV_FRONTEND_ORIGINS))
    max_body_bytes: int = 1024 * 1024

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins_from_json_or_commas(cls, value: Any) -> Any:
        """Accept `["https://a", "https://b"]` or `https://a,https://b` (easier in a shell)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [origin.strip() for origin in text.split(",") if origin.strip()]
        return value

    @field_validator("services")
    @classmethod
    def _service_names_are_url_segments(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        for name in value:
            if not SERVICE_NAME.match(name):
                raise ValueError(f"service name {name!r} cannot be a URL segment (/api/<service>/...)")
        return {name: url.rstrip("/") for name, url in value.items()}

    @model_validator(mode="after")
    def _refuse_guesses_in_production(self) -> GatewaySettings:
        if self.environment != "production":
            return self
        if self.token_signing_secret == DEV_TOKEN_SIGNING_SECRET:
            raise ValueError("TOKEN_SIGNING_SECRET must be set to a real secret in production")
        if len(self.token_signing_secret.encode()) < MIN_TOKEN_SECRET_BYTES:
            raise ValueError(f"TOKEN_SIGNING_SECRET must be at least {MIN_TOKEN_SECRET_BYTES} bytes")
        if not self.services:
            raise ValueError("GATEWAY_SERVICES must list the upstream services in production")
        return self

    def upstreams(self) -> dict[str, str]:
        """Service name → base URL. Development and test default to every installed service on its
        dev port, which is where `make run` starts them (the gateway starts last)."""
        if self.services is not None:
            return dict(self.services)
        return {
            spec.name: f"http://127.0.0.1:{spec.dev_port}"
            for spec in installed_services()
            if spec.name != self.service_name
        }
