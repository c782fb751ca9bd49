"""facility's settings: what `ServiceSettings` has (broker, database, relay, consumers, logs), read
from FACILITY_* variables (shared ones like KAFKA_BOOTSTRAP_SERVERS unprefixed), plus its own."""

from petcare_kit.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class FacilitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FACILITY_", extra="ignore", populate_by_name=True)

    service_name: str = "facility"
    database_url: str = "postgresql+asyncpg://facility:facility@127.0.0.1:15432/facility"
    unknown_person_wait_seconds: float = 3600.0
    """How long an event naming a person not known yet waits for them before it is dead-lettered."""
