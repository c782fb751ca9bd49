"""Issue 9 item 4: every kind of bad input answers 4xx in the one error shape, on every route, and
changes nothing; item 6: the database going away mid-request answers 503 with Retry-After.

The app here is built like the app factory builds a service's (the same error handlers, the same
app-wide request check, the same OpenAPI declaration); the database is the real PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Request
from petcare_kit.db import create_engine
from petcare_kit.http import ERROR_RESPONSES, install_error_handlers
from petcare_kit.validation import NOT_SENT, Limit, Month, Offset, PatchBody, parse_form, refuse_unstorable_text
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.asyncio(loop_scope="session")


class Note(BaseModel):
    text: str = Field(max_length=5000)
    tags: dict[str, str] = Field(default_factory=dict)


class UpdateNote(PatchBody):
    text: str = NOT_SENT  # cannot be emptied: null is refused
    comment: str | None = None


class StatusCallback(BaseModel):
    MessageSid: str = Field(min_length=2, max_length=64)
    NumMedia: int = Field(0, ge=0, le=10)


def build_app(engine: AsyncEngine | None = None) -> FastAPI:
    app = FastAPI(dependencies=[Depends(refuse_unstorable_text)])
    install_error_handlers(app)
    router = APIRouter()

    @router.post("/notes", status_code=201)
    async def add_note(note: Note, check_db: bool = True) -> dict:
        if engine is not None and check_db:
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": note.text})
        return {"text": note.text}

    @router.get("/notes")
    async def list_notes(search: str | None = None, before: datetime | None = None, limit: Limit = 50,
                         offset: Offset = 0) -> dict:
        return {"search": search, "limit": limit, "offset": offset}

    @router.get("/usage")
    async def usage(month: Month) -> dict:
        return {"month": month}

    @router.get("/raw")
    async def raw_query(offset: int = 0, before: datetime | None = None, search: str = "") -> list:
        """A route that forgot its bounds: the database's refusal still answers 422."""
        async with engine.connect() as connection:  # type: ignore[union-attr]  # only built with an engine
            rows = await connection.execute(
                text("SELECT body FROM notes WHERE (CAST(:before AS timestamptz) IS NULL OR created_at < :before) "
                     "AND body LIKE :search OFFSET :offset"),
                {"before": before, "offset": offset, "search": f"%{search}%"})
            return [row.body for row in rows]

    @router.patch("/notes/{name}")
    async def update_note(name: str, body: UpdateNote) -> dict:
        return body.changes()

    @router.post("/webhook")
    async def webhook(request: Request) -> dict:
        payload = parse_form(StatusCallback, dict((await request.form()).items()))
        return payload.model_dump()

    @router.get("/in-flight")
    async def in_flight() -> None:
        """The database goes away while this request holds a connection."""
        async with engine.connect() as connection:  # type: ignore[union-attr]  # only built with an engine
            await connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    app.include_router(router, responses=ERROR_RESPONSES)
    return app


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=2)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body text NOT NULL UNIQUE, "
                                      "created_at timestamptz NOT NULL DEFAULT now())"))
    yield engine
    await engine.dispose()


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                             base_url="http://test")


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


async def count_notes(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one()


async def test_a_nul_or_lone_surrogate_anywhere_is_refused_before_anything_is_stored(engine):
    async with client(build_app(engine)) as http:
        error = assert_error(await http.post("/notes", json={"text": "a\u0000b"}), 422, "unstorable_text")
        assert error["details"] == [{"field": "body.text", "message": "unstorable character"}]
        nested = await http.post("/notes", content=json.dumps({"text": "ok", "tags": {"k\u0000": "v", "x": "\ud800"}}),
                                 headers={"content-type": "application/json"})
        assert [d["field"] for d in assert_error(nested, 422, "unstorable_text")["details"]] == [
            "body.tags.<key>", "body.tags.x"]
        raw = await http.post("/notes", content=b'{"text": "a\\u0000b"}', headers={"content-type": "application/json"})
        assert_error(raw, 422, "unstorable_text")
        assert_error(await http.get("/notes", params={"search": "a\x00b"}), 422, "unstorable_text")
        assert_error(await http.patch("/notes/a%00b", json={}), 422, "unstorable_text")
        form = await http.post("/webhook", content=b"MessageSid=SM%00x&NumMedia=0",
                               headers={"content-type": "application/x-www-form-urlencoded"})
        assert_error(form, 422, "unstorable_text")
        # A backslash followed by "u0000" is ordinary text, and is stored as such.
        assert (await http.post("/notes", json={"text": "C:\\u0000"})).status_code == 201
    assert await count_notes(engine) == 1


async def test_values_only_the_database_can_judge_are_422_and_change_nothing(engine):
    async with client(build_app(engine)) as http:
        # A route without the app-wide check still answers 422 when PostgreSQL refuses the text.
        app = build_app(engine)
        app.router.dependencies.clear()
        app.dependency_overrides[refuse_unstorable_text] = lambda: None
        async with client(app) as unchecked:
            assert_error(await unchecked.post("/notes", json={"text": "a\u0000b"}), 422, "invalid_value")
            assert_error(await unchecked.get("/raw", params={"search": "a\x00b"}), 422, "invalid_value")
        assert_error(await http.get("/raw", params={"offset": 2**70}), 422, "invalid_value")
        assert_error(await http.get("/raw", params={"before": "0001-01-01T00:00:00+14:00"}), 422, "invalid_value")
        assert_error(await http.get("/raw", params={"before": "9999-12-31T23:59:59-14:00"}), 422, "invalid_value")
        assert (await http.get("/raw", params={"before": "2030-01-01T00:00:00+14:00"})).json() == []
    assert await count_notes(engine) == 0


async def test_shared_paging_bounds_refuse_offsets_no_column_can_hold():
    async with client(build_app()) as http:
        for params in ({"offset": 2**64}, {"offset": -1}, {"limit": 0}, {"limit": 201}, {"offset": "x"}):
            assert_error(await http.get("/notes", params=params), 422, "validation_error")
        assert (await http.get("/notes", params={"offset": 10, "limit": 200})).json()["offset"] == 10


async def test_a_month_that_no_date_can_hold_is_422():
    async with client(build_app()) as http:
        for month in ("0000-01", "2026-13", "26-01", "2026-1"):
            assert_error(await http.get("/usage", params={"month": month}), 422, "validation_error")
        assert (await http.get("/usage", params={"month": "0001-01"})).json() == {"month": "0001-01"}


async def test_a_patch_refuses_null_for_a_field_that_cannot_be_empty():
    async with client(build_app()) as http:
        error = assert_error(await http.patch("/notes/n", json={"text": None}), 422, "validation_error")
        assert error["details"][0]["field"] == "body.text"
        assert (await http.patch("/notes/n", json={"comment": None})).json() == {"comment": None}
        assert (await http.patch("/notes/n", json={})).json() == {}
        assert_error(await http.patch("/notes/n", json={"unknown": 1}), 422, "validation_error")


async def test_a_form_payload_missing_a_field_or_with_a_bad_number_is_422():
    async with client(build_app()) as http:
        form = {"content-type": "application/x-www-form-urlencoded"}
        missing = await http.post("/webhook", content=b"NumMedia=1", headers=form)
        assert assert_error(missing, 422, "invalid_payload")["details"][0]["field"] == "MessageSid"
        assert_error(await http.post("/webhook", content=b"MessageSid=SM1&NumMedia=two", headers=form),
                     422, "invalid_payload")
        assert (await http.post("/webhook", content=b"MessageSid=SM1&NumMedia=2", headers=form)).json() == {
            "MessageSid": "SM1", "NumMedia": 2}


async def test_a_concurrent_duplicate_is_409_conflict(engine):
    async with client(build_app(engine)) as http:
        assert (await http.post("/notes", json={"text": "once"})).status_code == 201
        assert_error(await http.post("/notes", json={"text": "once"}), 409, "conflict")
    assert await count_notes(engine) == 1


async def test_item_6_the_database_lost_mid_request_is_503_with_retry_after(engine):
    async with client(build_app(engine)) as http:
        response = await http.get("/in-flight")
        assert_error(response, 503, "service_unavailable")
        assert int(response.headers["retry-after"]) > 0
        # The pool recovers by itself: the next request is served.
        assert (await http.post("/notes", json={"text": "after"})).status_code == 201


async def test_item_6_the_database_down_is_503_not_500():
    down = create_engine("postgresql+asyncpg://nobody:x@127.0.0.1:1/none", pool_size=1)
    try:
        async with client(build_app(down)) as http:
            response = await http.post("/notes", json={"text": "hello"})
            assert_error(response, 503, "service_unavailable")
            assert response.headers["retry-after"]
    finally:
        await down.dispose()


async def test_every_operation_declares_its_errors_in_the_one_shape():
    document = build_app().openapi()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for status in ("400", "401", "403", "404", "409", "422", "429", "503"):
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]
