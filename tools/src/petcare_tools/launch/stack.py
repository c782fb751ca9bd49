"""Everything `make run` starts, in dependency order, and stops in the reverse order."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from petcare_kit.service_spec import ServiceSpec

from petcare_tools.launch.config import Endpoint, LaunchConfig
from petcare_tools.launch.infra import Infrastructure
from petcare_tools.launch.sandboxes import sandboxes, start_sandboxes
from petcare_tools.launch.services import migrate, service_env, start_service
from petcare_tools.testing.processes import ProcessManager


class DevStack:
    """Broker and database, then the sandboxes, then each service (ready before the next), with as many
    replicas as `replicas` asks (the gateway routes to the first)."""

    def __init__(self, config: LaunchConfig, services: list[ServiceSpec], say: Callable[[str], None],
                 replicas: Mapping[str, int] | None = None) -> None:
        self.config = config
        self.services = services
        self.replicas = dict(replicas or {})
        """Processes per service name (launch.replicas); 1 when not named."""
        self.say = say
        self.infra = Infrastructure(config)
        self.processes = ProcessManager(config.logs_dir, cwd=config.repo_root)
        self.endpoints: list[Endpoint] = []

    def start(self) -> None:
        self.say("starting the broker and the database")
        self.infra.start()
        self.endpoints += self.infra.endpoints()
        self.say("starting the provider sandboxes")
        wanted = sandboxes(self.config.sendgrid_port, self.config.twilio_port)
        providers, rows = start_sandboxes(self.processes, wanted, self.say)
        self.endpoints += rows
        if not self.services:
            self.say("no services selected or installed (none declares a `petcare.services` entry point)")
        for spec in self.services:
            self.say(f"starting {spec.name}")
            database_url = self.infra.ensure_database(spec.name) if spec.needs_database else None
            env = service_env(
                spec,
                bootstrap_servers=self.infra.bootstrap_servers,
                database_url=database_url,
                providers=providers,
            )
            if spec.name == "gateway":  # route to what this run started, not to every installed service
                env["GATEWAY_SERVICES"] = json.dumps({
                    other.name: f"http://127.0.0.1:{other.dev_port}" for other in self.services if other is not spec})
            if database_url is not None:
                migrate(self.processes, spec, env)
            count = self.replicas.get(spec.name, 1)
            for number in range(1, count + 1):  # one after another: each joins the group once ready
                if count > 1:
                    self.say(f"starting {spec.name} replica {number} of {count}")
                self.endpoints.append(start_service(self.processes, spec, env, replica=number, replicas=count))

    def failures(self) -> list[str]:
        """Children that died on their own since they started."""
        exits = [process.exit_report("unexpectedly") for process in self.processes.unexpected_exits()]
        return self.infra.failures() + exits

    def stop(self) -> None:
        """Services first (newest first), then the sandboxes, then the broker and the database."""
        try:
            self.processes.stop_all()
        finally:
            self.infra.stop()
