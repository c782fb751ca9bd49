from pathlib import Path

from petcare_kit.service_spec import ServiceSpec

SPEC = ServiceSpec(
    name="texting",
    asgi_factory="texting.bootstrap:create_app",
    env_prefix="TEXTING_",
    dev_port=8103,
    alembic_dir=Path(__file__).resolve().parents[2] / "alembic",
    start_order=30,
    # Twilio posts webhooks to the gateway's public address, which routes /api/texting/... here.
    extra_dev_env={"TEXTING_WEBHOOK_BASE_URL": "http://127.0.0.1:8080/api/texting"},
)
