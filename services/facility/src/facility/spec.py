"""How the launcher, the migration step, the deployment check and the tests see facility."""

from pathlib import Path

from petcare_kit.service_spec import ServiceSpec

SPEC = ServiceSpec(
    name="facility",
    asgi_factory="facility.bootstrap:create_app",
    env_prefix="FACILITY_",
    dev_port=8106,
    alembic_dir=Path(__file__).resolve().parents[2] / "alembic",
    start_order=50,  # after clients (10), before the gateway (90)
)
