"""scheduling's settings: what `ServiceSettings` has (broker, database, relay, consumers, logs), read
from SCHEDULING_* variables (shared ones like KAFKA_BOOTSTRAP_SERVERS unprefixed), plus its own."""

from petcare_kit.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class SchedulingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCHEDULING_", extra="ignore", populate_by_name=True)

    service_name: str = "scheduling"
    database_url: str = "postgresql+asyncpg://scheduling:scheduling@127.0.0.1:15432/scheduling"
    unknown_person_wait_seconds: float = 3600.0
    """How long an event naming a person not known yet waits for them before it is dead-lettered."""
    late_check_interval_seconds: float = 30.0
    """How often the late-visit job looks for visits not started in time (R-SCHED-9); suite tests
    shorten it (SCHEDULING_LATE_CHECK_INTERVAL_SECONDS)."""
    template_approval_interval_seconds: float = 60.0
    """How often the template job looks for periods to approve automatically (R-SCHED-5; a due day
    starts at local midnight); suite tests shorten it (SCHEDULING_TEMPLATE_APPROVAL_INTERVAL_SECONDS)."""
