from pathlib import Path

from petcare_kit.service_spec import ServiceSpec

SPEC = ServiceSpec(
    name="clients",
    asgi_factory="clients.bootstrap:create_app",
    env_prefix="CLIENTS_",
    dev_port=8101,
    alembic_dir=Path(__file__).resolve().parents[2] / "alembic",
    start_order=10,
)
