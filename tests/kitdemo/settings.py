from petcare_kit.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class KitdemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KITDEMO_", extra="ignore", populate_by_name=True)

    service_name: str = "kitdemo"
    topic: str = "kitdemo.events"
    group: str = "kitdemo-reader"
    handler_delay_ms: int = 0
