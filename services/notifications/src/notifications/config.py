from petcare_kit.settings import ServiceSettings, shared
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", populate_by_name=True)

    service_name: str = "notifications"
    database_url: str = "postgresql+asyncpg://notifications:notifications@127.0.0.1:15432/notifications"
    sendgrid_api_key: str = Field("SG.dev-sandbox-key", validation_alias=shared("SENDGRID_API_KEY"))
    sendgrid_host: str | None = Field(None, validation_alias=shared("SENDGRID_HOST"))
    """Unset: the real SendGrid. The dev launcher and tests point it at the SendGrid sandbox."""
    from_email: str = "notifications@example.com"
    run_email_dispatcher: bool = True
    email_max_attempts: int = 5
    email_sending_timeout_seconds: float = 60.0
    """A send not recorded after this long is checked with the provider before trying again."""
    email_poll_interval_seconds: float = 1.0
    unknown_recipient_wait_seconds: float = 3600.0
    """How long an event naming a person not known yet waits for them before it is dead-lettered."""
