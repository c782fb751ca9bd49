"""The broker and the database of a dev run: embedded unless the environment names real ones.

KAFKA_BOOTSTRAP_SERVERS points at a running Kafka, POSTGRES_ADMIN_URL (a superuser URL) at a
running PostgreSQL; otherwise the embedded ones start, preferring the configured ports.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

from petcare_tools.embedded.broker import EmbeddedBroker
from petcare_tools.embedded.databases import ensure_database
from petcare_tools.embedded.ports import preferred_port
from petcare_tools.embedded.postgres import EmbeddedPostgres
from petcare_tools.launch.config import Endpoint, LaunchConfig

BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS"
POSTGRES_ADMIN_ENV = "POSTGRES_ADMIN_URL"


class Infrastructure:
    def __init__(self, config: LaunchConfig, environ: Mapping[str, str] = os.environ) -> None:
        self.config = config
        self._external_bootstrap = environ.get(BOOTSTRAP_ENV) or None
        self._external_admin_url = environ.get(POSTGRES_ADMIN_ENV) or None
        self.broker: EmbeddedBroker | None = None
        self.postgres: EmbeddedPostgres | None = None

    @property
    def bootstrap_servers(self) -> str:
        if self._external_bootstrap:
            return self._external_bootstrap
        assert self.broker is not None, "start() first"
        return self.broker.bootstrap_servers

    @property
    def admin_url(self) -> str:
        if self._external_admin_url:
            return self._external_admin_url
        assert self.postgres is not None, "start() first"
        return self.postgres.admin_url

    def start(self) -> None:
        """Start what is embedded; `stop()` undoes a partial start too."""
        logs = self.config.logs_dir
        if not self._external_bootstrap:
            port = preferred_port(self.config.broker_port)
            self.broker = EmbeddedBroker(port, log_path=logs / "broker.log")
            self.broker.start()
        if not self._external_admin_url:
            port = preferred_port(self.config.postgres_port)
            self.postgres = EmbeddedPostgres(self.config.postgres_dir, port, log_path=logs / "postgres.log")
            self.postgres.start()

    def ensure_database(self, name: str) -> str:
        """Database and login `name` (created if missing); its SQLAlchemy URL."""
        return asyncio.run(ensure_database(self.admin_url, name))

    def failures(self) -> list[str]:
        """Embedded servers that died after starting."""
        dead = []
        if self.broker is not None and not self.broker.is_running:
            dead.append(f"the broker exited; log {self.broker.log_path}")
        if self.postgres is not None and not self.postgres.is_running:
            dead.append(f"postgres exited; log {self.postgres.log_path}")
        return dead

    def stop(self) -> None:
        """Database last: a service's last writes may still be in flight while the broker stops."""
        try:
            if self.broker is not None:
                self.broker.stop()
        finally:
            if self.postgres is not None:
                self.postgres.stop()

    def endpoints(self) -> list[Endpoint]:
        broker_note = (
            f"external ({BOOTSTRAP_ENV})"
            if self._external_bootstrap
            else "embedded Tansu, memory only: topics, messages and offsets vanish when it stops"
        )
        postgres_note = (
            f"external ({POSTGRES_ADMIN_ENV})"
            if self._external_admin_url
            else f"embedded PostgreSQL 18, data kept in {self.config.postgres_dir}"
        )
        return [
            Endpoint("broker", self.bootstrap_servers, broker_note),
            Endpoint("postgres", self.admin_url, postgres_note),
        ]
