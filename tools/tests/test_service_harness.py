"""The shared test harness (petcare_tools.testing): a service in-process on a fresh migrated
database, called as the gateway calls it and fed events as Kafka feeds them; a service process
killed and restarted on the same address. The service is the kit's demo (tests/kitdemo)."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from kitdemo.events import NoteAdded
from kitdemo.reader import build_event_router
from kitdemo.reader import build_router as reader_routes
from kitdemo.settings import KitdemoSettings
from kitdemo.writer import build_router as writer_routes
from petcare_kit.app import create_service_app
from petcare_kit.identity import Identity, IdentityDep, Role, allow
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.service_spec import ServiceSpec, installed_services
from petcare_kit.settings import ServiceSettings
from petcare_tools.testing.answers import assert_error
from petcare_tools.testing.service import ServiceUnderTest, serve_in_process, settings_class
from petcare_tools.testing.suite import Suite, fresh_migrated_database

ALEMBIC = Path(__file__).resolve().parents[2] / "tests" / "kitdemo" / "alembic"
SPEC = ServiceSpec(name="kitdemo", asgi_factory="kitdemo.writer:create_app", env_prefix="KITDEMO_",
                   dev_port=0, alembic_dir=ALEMBIC)


def create_demo_app(settings: KitdemoSettings | None = None) -> FastAPI:
    """Writer, reader and a route for staff only, in one app."""
    settings = settings or KitdemoSettings()
    runtime = ServiceRuntime(settings, publishes=[settings.topic], consumer_group=settings.group,
                             consumes=[NoteAdded.topic], router=build_event_router(settings))
    app = create_service_app(runtime, title="demo", routers=[writer_routes(settings), reader_routes()])

    @app.get("/whoami", **allow(Role.ADMIN))
    async def whoami(identity: IdentityDep) -> dict[str, str]:
        return {"person_id": str(identity.person_id), "role": identity.role.value}

    return app


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url, kafka_bootstrap_servers):
    async with serve_in_process(SPEC, database_url, kafka_bootstrap_servers, app_factory=create_demo_app,
                                topic=f"kitdemo.harness.{uuid4().hex[:8]}") as service:
        yield service


async def test_a_caller_is_signed_as_the_gateway_signs_and_an_anonymous_one_is_refused(service: ServiceUnderTest):
    admin = Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4())
    answer = await service.as_(admin).get("/whoami?x=1")
    assert answer.json() == {"person_id": str(admin.person_id), "role": "admin"}
    assert_error(await service.as_(None).get("/whoami"), 401, "unauthenticated")
    staff = Identity(Role.STAFF, person_id=uuid4(), company_id=uuid4())
    assert (await service.as_(staff).get("/whoami")).status_code == 403


async def test_what_a_route_publishes_is_read_from_the_outbox_in_order(service: ServiceUnderTest):
    assert await service.last_seq() == 0
    await service.http.post("/notes", json={"key": "rex", "texts": ["walk", "feed"]})
    events = await service.outbox(service.settings.topic)
    assert [e["data"]["text"] for e in events] == ["walk", "feed"]
    assert await service.last_seq() == events[-1]["_seq"]
    assert await service.outbox(since=events[-1]["_seq"]) == []
    assert await service.outbox("another.topic") == []


async def test_an_event_fed_twice_as_a_redelivery_is_applied_once(service: ServiceUnderTest):
    note = NoteAdded(note_id=str(uuid4()), key="rex", position=0, text="walk")
    envelope = await service.feed(note, None)
    await service.feed(note, None, envelope)  # the same envelope again, at the next offset
    [applied] = (await service.http.get("/applied")).json()
    assert (applied["note_id"], applied["times_applied"]) == (note.note_id, 1)
    assert service.offset == 2


def test_every_installed_service_with_a_database_can_be_served_in_process():
    """Its app factory takes its settings class, which the harness builds with test settings."""
    for spec in installed_services():
        if spec.needs_database:
            assert issubclass(settings_class(spec), ServiceSettings), spec.name
    with pytest.raises(TypeError):
        settings_class(SPEC)  # kitdemo's own factory takes no settings


async def test_a_killed_process_restarts_on_its_address_with_its_database(processes, kafka_bootstrap_servers,
                                                                          postgres_admin_url, unique_topic):
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    env = {"PYTHONPATH": str(ALEMBIC.parents[1]), "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
           "KITDEMO_TOPIC": unique_topic("kitdemo.events"),
           "KITDEMO_DATABASE_URL": await fresh_migrated_database(postgres_admin_url, "harness", ALEMBIC)}
    url = await suite._serve("writer", "kitdemo.writer:create_app", env)
    suite.kill("writer")
    async with httpx.AsyncClient(base_url=url) as http:
        with pytest.raises(httpx.TransportError):
            await http.get("/ready")
        assert await suite.restart("writer") == url
        assert (await http.post("/notes", json={"key": "k", "texts": ["t"]})).status_code == 201
