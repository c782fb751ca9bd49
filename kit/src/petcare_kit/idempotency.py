"""Retried POSTs do nothing twice: `Idempotency-Key` on every service (issue 9, item 3).

A client that lost the answer to a POST (a 502 from a crash, a dropped connection, a timeout)
sends it again with the same `Idempotency-Key` header (any string of 1-255 printable ASCII
characters; a UUID is a good choice). Within 24 hours, per company and person:

- the same key and the same request (method, path, query and body) answers what the first one
  answered (status, body, Content-Type, Location) with `Idempotent-Replayed: true`, and does nothing;
- the same key with another request is refused: 422 `idempotency_key_reused` (Stripe's rule);
- the same key while the first is still being handled: 409 `idempotency_request_in_progress`
  (retry in a moment and get the replay).

Atomicity, the point of it all: the answer is stored in the very transaction of the effect. While
a keyed request runs, the request's unit of work (the one `get_unit_of_work` gives routes) defers
its commit: `commit()` only flushes. When the route has answered, this middleware inserts the
answer into `idempotency_keys` in that same transaction, commits once, and only then sends the
answer. So the effect and the stored answer exist together or not at all: a crash at any point
either left nothing (the retry runs it for the first time) or left both (the retry gets the
replay). A 5xx answer rolls the transaction back (the kit's 500 says "nothing was changed").
Concurrent duplicates are told apart with a transaction-scoped advisory lock on the key, taken
when the unit of work begins, so it is released by the commit, a rollback or a crash.

Only answers of requests that committed something are stored: a request refused before any change
(4xx) changed nothing and may simply run again. Requests without a verified person (sign-up,
webhooks) ignore the header: their keys would share one scope. Other methods ignore it too (PUT,
PATCH and DELETE are idempotent by their design here). Rows older than 24 hours are ignored and
purged hourly by a background task of the service.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from petcare_kit.errors import Conflict, DomainError, InvalidInput, Unauthenticated, error_body
from petcare_kit.idempotency_store import (
    KEEP_HOURS,
    KeyScope,
    StoredAnswer,
    find_answer,
    idempotency_keys,
    purge,
    store_answer,
)
from petcare_kit.identity import Role, verify_identity
from petcare_kit.transient import is_transient
from petcare_kit.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from fastapi import FastAPI

    from petcare_kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)

HEADER = "idempotency-key"
REPLAYED_HEADER = "idempotent-replayed"
MAX_KEY_LENGTH = 255
KEPT_HEADERS = ("content-type", "location")
NO_PERSON = UUID(int=0)

class KeyReused(InvalidInput):
    code = "idempotency_key_reused"


class RequestInProgress(Conflict):
    code = "idempotency_request_in_progress"


@dataclass
class PendingKey:
    """A keyed request being handled: its scope, and the transaction its unit of work handed over."""

    company_id: UUID
    person_id: UUID
    key: str
    request_hash: str
    session: AsyncSession | None = None
    claimed: bool = False
    replay: StoredAnswer | None = field(default=None, repr=False)

    @property
    def scope(self) -> KeyScope:
        return KeyScope(self.company_id, self.person_id, self.key)

    @property
    def lock_id(self) -> int:
        digest = hashlib.sha256(f"{self.company_id}/{self.person_id}/{self.key}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)


_pending: ContextVar[PendingKey | None] = ContextVar("idempotency_pending", default=None)


class _AnsweredMeanwhile(Exception):
    """A duplicate finished between our first look and our lock: replay its answer."""

    def __init__(self, answer: StoredAnswer) -> None:
        super().__init__("answered meanwhile")
        self.answer = answer


class IdempotentUnitOfWork(UnitOfWork):
    """The request's unit of work while a keyed request runs: locks the key when it begins, and
    `commit()` hands the open transaction to the middleware, which stores the answer in it and
    commits both at once. Raises RequestInProgress (409) if a duplicate holds the key."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], pending: PendingKey) -> None:
        super().__init__(sessions)
        self._pending = pending

    async def __aenter__(self) -> IdempotentUnitOfWork:
        await super().__aenter__()
        try:
            locked = await self.session.scalar(select(func.pg_try_advisory_xact_lock(self._pending.lock_id)))
            if not locked:
                raise RequestInProgress("A request with this Idempotency-Key is still being handled; "
                                        "retry in a moment to get its answer.")
            answer = await find_answer(self.session, self._pending.scope)
            if answer is not None:
                raise _AnsweredMeanwhile(answer)
        except BaseException:
            await super().__aexit__(None, None, None)
            raise
        return self

    async def commit(self) -> None:
        await self.session.flush()  # constraint errors surface now, in the route, as they would have
        self._pending.session = self.session

    async def rollback(self) -> None:
        self._pending.session = None
        await super().rollback()

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if exc is None and self._pending.session is not None and self._pending.session is self._session:
            self._session = None  # the middleware commits and closes it
            return
        self._pending.session = None
        await super().__aexit__(exc_type, exc, tb)


@asynccontextmanager
async def unit_of_work(runtime: ServiceRuntime) -> AsyncIterator[UnitOfWork]:
    """The unit of work for a request: idempotent when the request carries a key (the first unit
    of work of the request only), the runtime's plain one otherwise."""
    pending = _pending.get()
    if pending is None or pending.claimed:
        uow: UnitOfWork = runtime.unit_of_work()
    else:
        pending.claimed = True
        uow = IdempotentUnitOfWork(runtime.sessions, pending)
    async with uow:
        yield uow


def request_hash(method: str, path: str, query: bytes, body: bytes) -> str:
    """The request as the key must match it: JSON bodies compared by value, others byte for byte."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode() if body else b""
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query, canonical):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _valid_key(raw: bytes) -> str:
    key = raw.decode("latin-1")
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= ch <= "~" for ch in key):
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
                           code="invalid_idempotency_key")
    return key


class IdempotentRequests:
    """ASGI middleware: see the module. Sits inside the request context (ids, logs) and outside the
    routes and their exception handlers, so it sees the final answer before anything is sent."""

    def __init__(self, app: ASGIApp, runtime: ServiceRuntime) -> None:
        self.app, self.runtime = app, runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_key = dict(scope.get("headers", [])).get(HEADER.encode()) if scope["type"] == "http" else None
        if raw_key is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        try:
            key = _valid_key(raw_key)
            identity = verify_identity(_Headers(scope), secret=self.runtime.settings.internal_auth_secret,
                                       method="POST", path=scope["path"])
        except Unauthenticated:
            await self.app(scope, receive, send)  # the route refuses it as it refuses any such request
            return
        except DomainError as error:
            await _send_error(send, error.status, error.code, error.message)
            return
        if identity.person_id is None or identity.role == Role.INTERNAL:
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(receive)
        except StarletteHTTPException as error:  # the body size limit, outside us
            await _send_error(send, error.status_code, "payload_too_large", str(error.detail))
            return
        pending = PendingKey(identity.company_id or NO_PERSON, identity.person_id, key,
                             request_hash("POST", scope["path"], scope.get("query_string", b""), body))
        try:
            async with self.runtime.sessions() as session:
                answer = await find_answer(session, pending.scope)
        except Exception as error:
            if not is_transient(error):
                raise
            await _send_error(send, 503, "service_unavailable", "We cannot check this request's Idempotency-Key "
                              "right now; nothing was changed. Try again.", headers={"Retry-After": "5"})
            return
        if answer is not None:
            await _replay(send, answer, pending)
            return
        await self._handle(scope, body, send, pending)

    async def _handle(self, scope: Scope, body: bytes, send: Send, pending: PendingKey) -> None:
        response: list[Message] = []

        async def buffered_send(message: Message) -> None:
            response.append(message)

        token = _pending.set(pending)
        try:
            try:
                await self.app(scope, _replaying(body), buffered_send)
            except _AnsweredMeanwhile as replay:
                await _replay(send, replay.answer, pending)
                return
            finally:
                _pending.reset(token)
            status, headers, content = _parts(response)
            if pending.session is not None and status < 500:
                try:
                    stored = StoredAnswer(pending.request_hash, status, _kept(headers), content)
                    if not await store_answer(pending.session, pending.scope, stored):
                        raise RequestInProgress("Another request with this Idempotency-Key was answered "
                                                "meanwhile; retry it to get that answer.")
                    await pending.session.commit()
                except RequestInProgress as error:
                    await _send_error(send, error.status, error.code, error.message)
                    return
                except Exception as error:  # the effect did not commit: say so, never 200
                    if not is_transient(error) and not isinstance(error, sa_exc.IntegrityError):
                        raise
                    log.warning("could not commit a keyed request: %r", error)
                    status_code, code = (409, "conflict") if isinstance(error, sa_exc.IntegrityError) else (
                        503, "service_unavailable")
                    await _send_error(send, status_code, code, "Nothing was changed; try again.",
                                      headers={"Retry-After": "5"} if status_code == 503 else None)
                    return
            for message in response:
                await send(message)
        finally:
            if pending.session is not None:
                session, pending.session = pending.session, None
                await session.close()  # rolls back whatever was not committed


class _Headers:
    """The request headers of an ASGI scope, as `verify_identity` reads them."""

    def __init__(self, scope: Scope) -> None:
        self._headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}

    def get(self, name: str, default: Any = None) -> Any:
        return self._headers.get(name.lower(), default)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # like a client that stays connected until answered
        raise AssertionError("unreachable")  # pragma: no cover

    return receive


def _parts(response: list[Message]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    start = next(m for m in response if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in response if m["type"] == "http.response.body")
    return start["status"], list(start.get("headers", [])), body


def _kept(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers
            if k.decode("latin-1").lower() in KEPT_HEADERS}


async def _replay(send: Send, answer: StoredAnswer, pending: PendingKey) -> None:
    if answer.request_hash != pending.request_hash:
        error = KeyReused("This Idempotency-Key was already used for another request; use a new key.")
        await _send_error(send, error.status, error.code, error.message)
        return
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()]
    headers += [(b"content-length", str(len(answer.body)).encode()), (REPLAYED_HEADER.encode(), b"true")]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


async def _send_error(send: Send, status: int, code: str, message: str,
                      headers: dict[str, str] | None = None) -> None:
    response = JSONResponse(error_body(code, message), status_code=status, headers=headers)
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def install(app: FastAPI, runtime: ServiceRuntime) -> None:
    """Add the middleware (call it before `install_request_context`, so the request context is
    outside it) and the hourly purge of answers older than 24 hours."""
    app.add_middleware(IdempotentRequests, runtime=runtime)
    interval = getattr(runtime.settings, "purge_interval_seconds", 3600.0)

    async def purge_forever() -> None:
        while True:
            try:
                purged = await purge(runtime.sessions)
                if purged:
                    log.info("purged %d idempotency answers older than %d hours", purged, KEEP_HOURS)
            except Exception as error:  # the database may be away: try again next time
                log.warning("could not purge idempotency answers: %r", error)
            await asyncio.sleep(interval)

    runtime.add_background_task("idempotency-purge", purge_forever)


__all__ = ["HEADER", "IdempotentRequests", "IdempotentUnitOfWork", "KeyReused", "RequestInProgress", "idempotency_keys",
           "install", "purge", "request_hash", "unit_of_work"]
