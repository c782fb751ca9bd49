"""How the launcher, the migration step, the deployment check and the tests see billing."""

from pathlib import Path

from petcare_kit.service_spec import ServiceSpec

SPEC = ServiceSpec(
    name="billing",
    asgi_factory="billing.bootstrap:create_app",
    env_prefix="BILLING_",
    dev_port=8105,
    alembic_dir=Path(__file__).resolve().parents[2] / "alembic",
    start_order=50,  # after clients (10), before the gateway (90)
)
