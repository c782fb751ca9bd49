"""The services behind the gateway and their route tables, loaded from their OpenAPI documents.

At start-up each service is asked for `/openapi.json` until it answers (services may still be
starting, and the gateway must not refuse to start because of that); `/ready` stays 503 until
every table is loaded. Afterwards each table is refreshed every `GATEWAY_ROUTES_REFRESH_SECONDS`,
so a redeployed service's new routes appear without restarting the gateway. A failed refresh
keeps the last good table: a service that restarts does not make its routes vanish meanwhile.
Every replica loads its own copy; nothing here is shared between replicas.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from gateway.routing import RouteTable
from gateway.upstream_calls import send

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 0.1


class UpstreamCatalog:
    def __init__(self, services: dict[str, str], http: aiohttp.ClientSession, *, refresh_seconds: float,
                 retry_max_seconds: float, timeout: float) -> None:
        self.services = dict(services)
        self.http = http
        self.refresh_seconds, self.retry_max_seconds = refresh_seconds, retry_max_seconds
        self.timeout = timeout
        self.tables: dict[str, RouteTable] = {}
        self.documents: dict[str, dict[str, Any]] = {}
        self.version = 0
        """Bumped whenever a document changes, so the merged OpenAPI is rebuilt only then."""

    @property
    def ready(self) -> bool:
        return not self.missing()

    def missing(self) -> list[str]:
        return [name for name in self.services if name not in self.tables]

    async def run(self) -> None:
        """Load and keep refreshing every service's table until cancelled."""
        await asyncio.gather(*(self._keep_loaded(name) for name in self.services))

    async def _keep_loaded(self, name: str) -> None:
        retry_delay = FIRST_RETRY_SECONDS
        while True:
            try:
                await self.load(name)
                retry_delay, pause = FIRST_RETRY_SECONDS, self.refresh_seconds
            except Exception as error:  # any failure: keep the last table, try again later
                loaded = name in self.tables
                log.warning("could not load the routes of %s from %s: %r", name, self.services[name], error,
                            extra={"upstream": name, "loaded_before": loaded})
                if loaded:
                    pause = self.refresh_seconds
                else:
                    pause, retry_delay = retry_delay, min(retry_delay * 2, self.retry_max_seconds)
            await asyncio.sleep(pause)

    async def load(self, name: str) -> None:
        response = await send(self.http, "GET", f"{self.services[name]}/openapi.json", time_limit=self.timeout)
        if response.status != 200:
            raise ValueError(f"/openapi.json answered {response.status}")
        document = response.json()
        if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
            raise ValueError("not an OpenAPI document: no `paths`")
        table = RouteTable.from_openapi(document)
        if self.documents.get(name) != document:
            if name not in self.tables:
                log.info("routes of %s loaded: %d operations", name, len(table), extra={"upstream": name})
            self.documents[name], self.tables[name] = document, table
            self.version += 1
