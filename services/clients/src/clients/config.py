from petcare_kit.settings import ServiceSettings, shared
from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

DEV_TOKEN_SIGNING_SECRET = "dev-token-signing-secret-change-me"


class ClientsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CLIENTS_", extra="ignore", populate_by_name=True)

    service_name: str = "clients"
    database_url: str = "postgresql+asyncpg://clients:clients@127.0.0.1:15432/clients"
    token_signing_secret: str = Field(DEV_TOKEN_SIGNING_SECRET, validation_alias=shared("TOKEN_SIGNING_SECRET"))
    """Signs access tokens; the gateway verifies them with the same secret."""
    portal_base_url: str = "http://localhost:5173/portal"
    """Where activation, reset and instruction emails send clients."""

    @model_validator(mode="after")
    def _refuse_dev_token_secret_in_production(self) -> "ClientsSettings":
        if self.environment == "production" and self.token_signing_secret == DEV_TOKEN_SIGNING_SECRET:
            raise ValueError("TOKEN_SIGNING_SECRET must be set to a real secret in production")
        return self
