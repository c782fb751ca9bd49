from pathlib import Path

from petcare_kit.service_spec import ServiceSpec

SPEC = ServiceSpec(
    name="notifications",
    asgi_factory="notifications.bootstrap:create_app",
    env_prefix="NOTIFICATIONS_",
    dev_port=8102,
    alembic_dir=Path(__file__).resolve().parents[2] / "alembic",
    start_order=20,
)
