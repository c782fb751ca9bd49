from petcare_kit.settings import ServiceSettings, shared
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class TextingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TEXTING_", extra="ignore", populate_by_name=True)

    service_name: str = "texting"
    database_url: str = "postgresql+asyncpg://texting:texting@127.0.0.1:15432/texting"
    twilio_account_sid: str = Field("AC00000000000000000000000000000000", validation_alias=shared("TWILIO_ACCOUNT_SID"))
    twilio_auth_token: str = Field("sandbox-auth-token", validation_alias=shared("TWILIO_AUTH_TOKEN"))
    """Signs Twilio's webhooks: every status callback and inbound text is checked against it."""
    twilio_api_base: str | None = Field(None, validation_alias=shared("TWILIO_API_BASE"))
    """Unset: the real Twilio. The dev launcher and tests point it at the Twilio sandbox."""
    webhook_base_url: str = "http://127.0.0.1:8080/api/texting"
    """The public address Twilio calls (through the gateway): signatures are computed over it."""
    run_text_dispatcher: bool = True
    text_sending_timeout_seconds: float = 60.0
    text_poll_interval_seconds: float = 1.0
    text_reconcile_after_seconds: float = 120.0
    """A text Twilio has but that is not final is looked up at Twilio this long after it was handed
    over (its status callbacks may have been lost), then less often (text_dispatcher.py)."""
