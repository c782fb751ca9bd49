"""How the gateway declares itself to the dev launcher (entry point `petcare.services`)."""

from petcare_kit.service_spec import ServiceSpec

SPEC = ServiceSpec(
    name="gateway",
    asgi_factory="gateway.bootstrap:create_app",
    env_prefix="GATEWAY_",
    dev_port=8080,
    alembic_dir=None,
    start_order=90,  # last: every service it routes to is up before it loads their routes
)
