"""Idempotency-Key on POSTs (issue 9, item 3), on a real PostgreSQL: a retried request does nothing
twice, and its first answer is never lost once its effect is committed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import SimpleNamespace
from uuid import UUID, uuid4

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI, Response
from petcare_kit import idempotency
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.db import create_engine, session_factory
from petcare_kit.http import install_error_handlers, install_request_context
from petcare_kit.identity import Identity, IdentityDep, Role, sign_identity
from petcare_kit.unit_of_work import UnitOfWork
from pydantic import BaseModel
from sqlalchemy import Column, MetaData, Table, Text, Uuid, func, insert, select, text

pytestmark = pytest.mark.asyncio(loop_scope="session")

SECRET = "test-internal-secret"
metadata = MetaData()
things = Table("things", metadata, Column("id", Uuid, primary_key=True), Column("name", Text, nullable=False))


class NewThing(BaseModel):
    name: str


class FakeRuntime:
    """What the middleware and `get_unit_of_work` use of a ServiceRuntime."""

    def __init__(self, database_url: str) -> None:
        self.settings = SimpleNamespace(internal_auth_secret=SECRET, purge_interval_seconds=3600.0)
        self.engine = create_engine(database_url, pool_size=5)
        self.sessions = session_factory(self.engine)
        self.background: list = []

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def add_background_task(self, name: str, run_forever) -> None:
        self.background.append(run_forever)


@dataclass
class Harness:
    app: FastAPI
    http: httpx.AsyncClient
    runtime: FakeRuntime
    gate: asyncio.Event
    entered: asyncio.Event

    async def post(self, path: str, body: dict, *, key: str | None, person: Identity) -> httpx.Response:
        headers = sign_identity(person, secret=SECRET, method="POST", path=path)
        if key is not None:
            headers["Idempotency-Key"] = key
        return await self.http.post(path, json=body, headers=headers)

    async def names(self) -> list[str]:
        async with self.runtime.engine.connect() as connection:
            return list((await connection.execute(select(things.c.name).order_by(things.c.name))).scalars())

    async def sql(self, statement: str) -> None:
        async with self.runtime.engine.begin() as connection:
            await connection.execute(text(statement))


def build_app(runtime: FakeRuntime, gate: asyncio.Event, entered: asyncio.Event) -> FastAPI:
    app = FastAPI()
    app.state.runtime = runtime
    install_error_handlers(app)
    idempotency.install(app, runtime)
    install_request_context(app)

    async def add(uow: UnitOfWork, name: str) -> dict:
        thing_id = uuid4()
        await uow.session.execute(insert(things).values(id=thing_id, name=name))
        await uow.commit()
        return {"id": str(thing_id), "name": name}

    @app.post("/things", status_code=201)
    async def add_thing(body: NewThing, uow: UnitOfWorkDep, identity: IdentityDep, response: Response) -> dict:
        thing = await add(uow, body.name)
        response.headers["Location"] = f"/things/{thing['id']}"
        return thing

    @app.post("/slow-things", status_code=201)
    async def add_slowly(body: NewThing, uow: UnitOfWorkDep, identity: IdentityDep) -> dict:
        entered.set()
        await gate.wait()
        return await add(uow, body.name)

    @app.post("/things-then-crash", status_code=201)
    async def add_then_crash(body: NewThing, uow: UnitOfWorkDep, identity: IdentityDep) -> dict:
        await add(uow, body.name)
        raise RuntimeError("a bug after the commit")

    return app


@pytest_asyncio.fixture(loop_scope="session")
async def harness(database_url: str) -> AsyncIterator[Harness]:
    runtime = FakeRuntime(database_url)
    async with runtime.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.run_sync(idempotency.idempotency_keys.create)
    gate, entered = asyncio.Event(), asyncio.Event()
    app = build_app(runtime, gate, entered)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
        yield Harness(app, http, runtime, gate, entered)
    await runtime.engine.dispose()


def staff() -> Identity:
    return Identity(Role.STAFF, person_id=uuid4(), company_id=uuid4())


async def test_a_retried_post_with_the_same_key_does_it_once_and_answers_the_same(harness):
    person, key = staff(), str(uuid4())
    first = await harness.post("/things", {"name": "Rex"}, key=key, person=person)
    again = await harness.post("/things", {"name": "Rex"}, key=key, person=person)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert await harness.names() == ["Rex"]


async def test_an_answer_lost_after_the_commit_is_replayed_and_the_effect_not_repeated(harness):
    """The connection dies while the answer is being sent (the 502 of the issue): the effect and
    its answer were committed together, so the retry gets the answer and nothing happens twice."""
    person, key = staff(), str(uuid4())
    headers = sign_identity(person, secret=SECRET, method="POST", path="/things")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/things", "raw_path": b"/things", "query_string": b"", "root_path": "",
        "server": ("service", 80), "client": ("127.0.0.1", 5000),
        "headers": [(b"content-type", b"application/json"), (b"idempotency-key", key.encode()),
                    *((name.encode(), value.encode()) for name, value in headers.items())],
    }
    body_sent = False

    async def receive():
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b'{"name": "Lost"}', "more_body": False}
        await asyncio.sleep(3600)

    async def broken_send(message):
        raise ConnectionResetError("the caller went away")

    with pytest.raises(ConnectionResetError):
        await harness.app(scope, receive, broken_send)
    retried = await harness.post("/things", {"name": "Lost"}, key=key, person=person)
    assert retried.status_code == 201 and retried.json()["name"] == "Lost"
    assert retried.headers["idempotent-replayed"] == "true"
    assert (await harness.names()).count("Lost") == 1


async def test_the_same_key_for_another_request_is_refused(harness):
    person, key = staff(), str(uuid4())
    assert (await harness.post("/things", {"name": "Tom"}, key=key, person=person)).status_code == 201
    reused = await harness.post("/things", {"name": "Jerry"}, key=key, person=person)
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert "Jerry" not in await harness.names()


async def test_keys_belong_to_one_person_of_one_company(harness):
    key = str(uuid4())
    for person in (staff(), staff()):
        response = await harness.post("/things", {"name": "Shared-key"}, key=key, person=person)
        assert response.status_code == 201 and "idempotent-replayed" not in response.headers
    assert (await harness.names()).count("Shared-key") == 2


async def test_a_duplicate_sent_while_the_first_is_in_flight_gets_409_then_the_replay(harness):
    person, key = staff(), str(uuid4())
    harness.gate.clear(), harness.entered.clear()
    first = asyncio.create_task(harness.post("/slow-things", {"name": "Slow"}, key=key, person=person))
    await asyncio.wait_for(harness.entered.wait(), 60)  # generous: a loaded machine
    duplicate = await harness.post("/slow-things", {"name": "Slow"}, key=key, person=person)
    assert duplicate.status_code == 409, duplicate.text
    assert duplicate.json()["error"]["code"] == "idempotency_request_in_progress"
    harness.gate.set()
    assert (await first).status_code == 201
    replay = await harness.post("/slow-things", {"name": "Slow"}, key=key, person=person)
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    assert (await harness.names()).count("Slow") == 1


async def test_a_500_after_the_commit_keeps_nothing_so_the_retry_really_runs(harness):
    person, key = staff(), str(uuid4())
    crashed = await harness.post("/things-then-crash", {"name": "Crash"}, key=key, person=person)
    assert crashed.status_code == 500
    assert "Crash" not in await harness.names(), "the 500 says nothing was changed: it must be true"
    again = await harness.post("/things-then-crash", {"name": "Crash"}, key=key, person=person)
    assert again.status_code == 500 and "idempotent-replayed" not in again.headers


async def test_after_24_hours_a_key_runs_again_and_old_answers_are_purged(harness):
    person, key = staff(), str(uuid4())
    assert (await harness.post("/things", {"name": "Old"}, key=key, person=person)).status_code == 201
    await harness.sql(f"UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = '{key}'")
    again = await harness.post("/things", {"name": "Old"}, key=key, person=person)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert (await harness.names()).count("Old") == 2
    await harness.sql(f"UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = '{key}'")
    assert await idempotency.purge(harness.runtime.sessions) >= 1
    async with harness.runtime.engine.connect() as connection:
        left = await connection.scalar(select(func.count()).select_from(idempotency.idempotency_keys).where(
            idempotency.idempotency_keys.c.created_at < func.now() - text("interval '24 hours'")))
    assert left == 0


async def test_without_a_key_or_a_person_nothing_changes(harness):
    person = staff()
    for _ in range(2):
        assert (await harness.post("/things", {"name": "Plain"}, key=None, person=person)).status_code == 201
    assert (await harness.names()).count("Plain") == 2
    unsigned = await harness.http.post("/things", json={"name": "Nobody"}, headers={"Idempotency-Key": "k"})
    assert unsigned.status_code == 401
    bad_key = await harness.post("/things", {"name": "Bad"}, key="x" * 300, person=person)
    assert bad_key.status_code == 422 and bad_key.json()["error"]["code"] == "invalid_idempotency_key"


async def test_the_purge_runs_as_a_background_task_of_the_service(harness):
    assert len(harness.runtime.background) == 1
    assert UUID(int=0) == idempotency.NO_PERSON
