"""One service in-process for its own tests: a fresh migrated database, the app built with test
settings and run with its lifespan, called as the gateway calls it, fed events as Kafka feeds them.

A service's `tests/conftest.py` is a few lines (see services/clients/tests/conftest.py)::

    from petcare_tools.testing.service import ServiceUnderTest, serve_in_process

    @pytest_asyncio.fixture(loop_scope="session")
    async def service(database_url, kafka_bootstrap_servers):
        async with serve_in_process(SPEC, database_url, kafka_bootstrap_servers,
                                    run_email_dispatcher=False) as service:
            yield service

    # in a test:
    response = await service.as_(Identity(Role.ADMIN, person_id=..., company_id=...)).get("/clients")
    envelope = await service.feed(ClientAdded(...), company_id)      # what the consumer does with it
    events = await service.outbox("clients.events", since=seq)      # what the relay would publish

The settings are the service's own class (taken from its app factory's `settings` annotation)
built with `settings_for_tests()` plus the keyword arguments given: relay and consumers off (the tests
read the outbox and call `feed`), plain-text logs, the test identity secret. A subclass of
`ServiceUnderTest` (a kw_only dataclass) adds a service's own helpers: pass it as `harness=`.
"""

from __future__ import annotations

import asyncio
import importlib
import typing
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
from fastapi import FastAPI
from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload, new_envelope
from petcare_kit.identity import Identity, sign_identity
from petcare_kit.migrations import upgrade_to_head
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.service_spec import ServiceSpec
from petcare_kit.settings import ServiceSettings
from sqlalchemy import text

from petcare_tools.testing.records import Record, record_of

TEST_INTERNAL_SECRET = "test-internal-secret"
"""The secret every in-process service and its callers share (the gateway's, in production)."""


@dataclass
class Caller:
    """Calls the service as the gateway forwards a request: with the identity headers signed for
    this method and path (none when `identity` is None: an anonymous caller). Headers given by the
    test are kept; answers are httpx responses."""

    http: httpx.AsyncClient
    identity: Identity | None
    secret: str = TEST_INTERNAL_SECRET

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if self.identity is not None:
            headers.update(sign_identity(self.identity, secret=self.secret, method=method, path=path.split("?")[0]))
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PUT", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", path, **kwargs)


@dataclass(kw_only=True)
class ServiceUnderTest:
    """A running in-process service: `http` reaches the app directly (no identity), `as_(identity)`
    as the gateway would, `feed` hands its consumer events, `outbox`/`sql` read its database."""

    app: FastAPI
    http: httpx.AsyncClient
    settings: Any
    """The service's settings object (its own ServiceSettings subclass)."""
    database_url: str
    offset: int = 0
    """Offset of the last record fed (partition 0), as Kafka numbers them."""

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    def as_(self, identity: Identity | None) -> Caller:
        """A caller with this identity (signed as the gateway signs it); None: anonymous."""
        return Caller(self.http, identity, self.settings.internal_auth_secret)

    async def feed(self, payload: EventPayload, company_id: UUID | None, envelope: Envelope | None = None, *,
                   actor: Actor = SYSTEM, raw: bytes | None = None, correlation_id: str = "test") -> Envelope:
        """Hand one event to the consumer exactly as Kafka would (the next offset of partition 0,
        the relay's key and headers); `raw` replaces the record's bytes (bad input). Returns the
        envelope (a new one unless given). Raises what the consumer raises."""
        envelope = envelope or new_envelope(payload, company_id=company_id, correlation_id=correlation_id,
                                            actor=actor)
        self.offset += 1
        await self.feed_records([record_of(payload, envelope, offset=self.offset, value=raw)])
        return envelope

    async def feed_records(self, records: list[Record]) -> None:
        """Hand the consumer one batch of records as given (redeliveries, odd offsets, poison)."""
        consumer = self.runtime.consumer
        if consumer is None:
            raise RuntimeError(f"{self.settings.service_name} consumes no events")
        await consumer.handle_batch(records)

    async def outbox(self, topic: str | None = None, *, since: int = 0) -> list[dict[str, Any]]:
        """Envelopes written to the outbox after sequence `since` (of `topic`, or all), oldest
        first, as dicts with their outbox sequence number added under `_seq`."""
        rows = await self.sql(
            "SELECT seq, convert_from(value, 'UTF8')::jsonb AS envelope FROM outbox "
            "WHERE seq > :since AND (CAST(:topic AS text) IS NULL OR topic = :topic) ORDER BY seq",
            since=since, topic=topic)
        return [dict(row.envelope, _seq=row.seq) for row in rows]

    async def last_seq(self, topic: str | None = None) -> int:
        """The outbox sequence number of the latest envelope (of `topic`); 0 when none."""
        rows = await self.sql("SELECT max(seq) AS seq FROM outbox WHERE CAST(:topic AS text) IS NULL "
                              "OR topic = :topic", topic=topic)
        return rows[0].seq or 0

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        """Run one statement in its own committed transaction; its rows (empty when none)."""
        async with self.runtime.engine.begin() as connection:
            result = await connection.execute(text(statement), params)
            return list(result) if result.returns_rows else []


def settings_class(spec: ServiceSpec) -> type[ServiceSettings]:
    """The settings class of a service: the `settings` parameter's type of its app factory
    (`def create_app(settings: ClientsSettings | None = None)`). TypeError when it has none."""
    return _settings_type(_app_factory(spec))


def _settings_type(factory: Callable[..., Any]) -> type[ServiceSettings]:
    hint = typing.get_type_hints(factory).get("settings")
    for candidate in typing.get_args(hint) or (hint,):
        if isinstance(candidate, type) and issubclass(candidate, ServiceSettings):
            return candidate
    raise TypeError(f"{factory.__module__}.{factory.__qualname__} takes no `settings: <ServiceSettings "
                    "subclass>` argument")


def settings_for_tests(spec: ServiceSpec, database_url: str, kafka_bootstrap_servers: str, *,
                       settings_type: type[ServiceSettings] | None = None, **overrides: Any) -> ServiceSettings:
    """The service's settings (`settings_type`, else `settings_class(spec)`) for an in-process
    test; `overrides` win over the test defaults."""
    values: dict[str, Any] = dict(
        database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap_servers,
        internal_auth_secret=TEST_INTERNAL_SECRET, environment="test", log_json=False,
        run_relay=False, run_consumers=False)
    return (settings_type or settings_class(spec))(**(values | overrides))


async def migrate(spec: ServiceSpec, database_url: str) -> None:
    """Run the service's migrations to head on `database_url` (without blocking the loop)."""
    if spec.alembic_dir is None:
        raise ValueError(f"{spec.name} has no database")
    await asyncio.to_thread(upgrade_to_head, spec.alembic_dir, database_url)


@asynccontextmanager
async def serve_in_process(
    spec: ServiceSpec, database_url: str, kafka_bootstrap_servers: str, *,
    harness: Callable[..., ServiceUnderTest] = ServiceUnderTest,
    app_factory: Callable[[Any], FastAPI] | None = None, **settings: Any,
) -> AsyncIterator[Any]:
    """Migrate `database_url` (a fresh database), build the app with `settings_for_tests(spec, ...,
    **settings)`, run its lifespan and yield `harness(app=, http=, settings=, database_url=)`;
    the lifespan ends (background tasks stopped) on exit. `app_factory` replaces the spec's
    factory (its `settings` annotation still gives the settings class)."""
    await migrate(spec, database_url)
    factory = app_factory or _app_factory(spec)
    built = settings_for_tests(spec, database_url, kafka_bootstrap_servers,
                               settings_type=_settings_type(factory), **settings)
    app: FastAPI = factory(built)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{spec.name}") as http:
            yield harness(app=app, http=http, settings=built, database_url=database_url)


def _app_factory(spec: ServiceSpec) -> Callable[..., FastAPI]:
    module, _, name = spec.asgi_factory.partition(":")
    factory: Callable[..., FastAPI] = getattr(importlib.import_module(module), name)
    return factory
