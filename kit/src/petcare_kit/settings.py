"""Settings shared by every service; each service subclasses `ServiceSettings` with its env prefix.

Values come from the environment (pydantic-settings). `environment=production` refuses the
development secrets (full-stack-fastapi-template's habit). The fixed development secret below is
public (it is in the source), so `make run` never relies on it: the launcher makes secrets once per
data folder (`<data-dir>/secrets.env`, petcare_tools.launcher_secrets) and passes them to every
service; only tests and hand-started processes without INTERNAL_AUTH_SECRET fall back to it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_INTERNAL_SECRET = "dev-internal-secret-change-me"


def shared(name: str) -> AliasChoices:
    """A setting every service reads under the same unprefixed name (KAFKA_BOOTSTRAP_SERVERS)."""
    return AliasChoices(name, name.lower())


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SERVICE_", extra="ignore", populate_by_name=True)

    service_name: str = "service"
    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias=shared("ENVIRONMENT")
    )
    kafka_bootstrap_servers: str = Field("127.0.0.1:19092", validation_alias=shared("KAFKA_BOOTSTRAP_SERVERS"))
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:15432/postgres"
    internal_auth_secret: str = Field(DEV_INTERNAL_SECRET, validation_alias=shared("INTERNAL_AUTH_SECRET"))
    log_level: str = Field("INFO", validation_alias=shared("LOG_LEVEL"))
    log_json: bool = Field(True, validation_alias=shared("LOG_JSON"))

    topic_replication_factor: int = Field(1, validation_alias=shared("KAFKA_TOPIC_REPLICATION_FACTOR"))
    """Copies of each topic a service creates: 1 on the embedded broker, 3 on a real cluster."""

    # Outbox relay and inbox
    outbox_batch_size: int = 1000
    outbox_poll_interval_seconds: float = 5.0
    """Safety poll when no NOTIFY arrives (a reconnect can miss one); not the normal wake-up."""
    outbox_retention_days: int = 7
    inbox_retention_days: int = 30
    purge_interval_seconds: float = 3600.0

    # Consumers
    consumer_batch_size: int = 500
    consumer_max_attempts: int = 3
    """Attempts at one message before it goes to the dead-letter topic."""
    consumer_session_timeout_ms: int = 6000
    consumer_heartbeat_interval_ms: int = 1000
    run_consumers: bool = True
    run_relay: bool = True

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> ServiceSettings:
        if self.environment == "production" and self.internal_auth_secret == DEV_INTERNAL_SECRET:
            raise ValueError("INTERNAL_AUTH_SECRET must be set to a real secret in production")
        return self
