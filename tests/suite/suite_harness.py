"""Runs real services and the gateway as processes on the session's broker and PostgreSQL.

`Suite.start("clients")` creates the service's database, migrates it and starts it with uvicorn
(the way the launcher and the Dockerfiles do); `Suite.start_gateway()` routes to what is running.
Later issues' services join by name: nothing here is specific to one service.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field

from petcare_kit.migrations import upgrade_to_head
from petcare_kit.service_spec import ServiceSpec, installed_services
from petcare_tools.embedded.databases import create_fresh_database
from petcare_tools.embedded.ports import free_port
from petcare_tools.testing.processes import ProcessManager

INTERNAL_AUTH_SECRET = "suite-internal-secret"
TOKEN_SIGNING_SECRET = "suite-token-signing-secret-0123456789"


@dataclass
class Suite:
    processes: ProcessManager
    bootstrap_servers: str
    admin_url: str
    urls: dict[str, str] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)

    def spec(self, name: str) -> ServiceSpec:
        return {s.name: s for s in installed_services()}[name]

    def common_env(self) -> dict[str, str]:
        return {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers, "ENVIRONMENT": "test",
                "INTERNAL_AUTH_SECRET": INTERNAL_AUTH_SECRET, "TOKEN_SIGNING_SECRET": TOKEN_SIGNING_SECRET}

    async def start(self, name: str, *, process_name: str | None = None, **env: str) -> str:
        """Start service `name` (a second call with another process_name starts a replica)."""
        spec = self.spec(name)
        env_vars = self.common_env() | env
        if spec.needs_database:
            if name not in self.databases:
                self.databases[name] = await create_fresh_database(self.admin_url, f"suite_{name}")
                await asyncio.to_thread(upgrade_to_head, spec.alembic_dir, self.databases[name])
            env_vars[f"{spec.env_prefix}DATABASE_URL"] = self.databases[name]
        return await self._serve(process_name or name, spec.asgi_factory, env_vars)

    async def start_gateway(self, *, process_name: str = "gateway", port: int | None = None, **env: str) -> str:
        upstreams = {name: url for name, url in self.urls.items() if name in {s.name for s in installed_services()}}
        env_vars = self.common_env() | {"GATEWAY_SERVICES": json.dumps(upstreams)} | env
        return await self._serve(process_name, self.spec("gateway").asgi_factory, env_vars, port=port)

    async def start_sandbox(self, name: str) -> str:
        """`sendgrid` or `twilio`: the provider sandbox as a process, like `make run` starts it."""
        return await self._serve(f"{name}-sandbox", f"petcare_tools.sandboxes.{name}:create_app", {}, probe="/health")

    async def _serve(self, process_name: str, factory: str, env: dict[str, str], *, port: int | None = None,
                     probe: str = "/ready") -> str:
        port = port or free_port()
        self.processes.start(process_name, [sys.executable, "-m", "uvicorn", "--factory", factory,
                                            "--host", "127.0.0.1", "--port", str(port), "--no-access-log"], env=env)
        url = f"http://127.0.0.1:{port}"
        await asyncio.to_thread(self.processes.wait_http_ok, f"{url}{probe}", 90, process_name)
        self.urls.setdefault(process_name, url)
        return url
