"""How a service describes itself to the dev launcher, the test fixtures and the ops tools.

Each service package exposes one `ServiceSpec` under the entry-point group `petcare.services`
(in its pyproject.toml), so `make run` finds every service that is installed without a list kept
by hand: a new service joins the suite by declaring itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

ENTRY_POINT_GROUP = "petcare.services"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    """Short name: `clients`. Also the database name and login in the embedded run."""
    asgi_factory: str
    """`module:function` returning the ASGI app (uvicorn --factory)."""
    env_prefix: str
    """Prefix of the service's settings in the environment: `CLIENTS_` → `CLIENTS_DATABASE_URL`."""
    dev_port: int
    """Port the dev launcher serves it on (127.0.0.1)."""
    alembic_dir: Path | None = None
    """The service's Alembic folder; None for a service without a database (the gateway)."""
    start_order: int = 50
    """Lower starts first; the gateway starts last so that every route it proxies is up."""
    extra_dev_env: dict[str, str] = field(default_factory=dict)

    @property
    def needs_database(self) -> bool:
        return self.alembic_dir is not None


def installed_services() -> list[ServiceSpec]:
    """Every service installed in this environment, in start order."""
    specs = [ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)]
    return sorted(specs, key=lambda spec: (spec.start_order, spec.name))
