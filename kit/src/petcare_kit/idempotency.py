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

import hashlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petcare_kit.background import PeriodicJob
from petcare_kit.errors import Conflict, InvalidInput
from petcare_kit.idempotency_store import (
    KEEP_HOURS,
    KeyScope,
    StoredAnswer,
    find_answer,
    idempotency_keys,
    purge,
)
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


PENDING: ContextVar[PendingKey | None] = ContextVar("idempotency_pending", default=None)


class AnsweredMeanwhile(Exception):
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
                raise AnsweredMeanwhile(answer)
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
    pending = PENDING.get()
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


def install(app: FastAPI, runtime: ServiceRuntime) -> None:
    """Add the middleware (call it before `install_request_context`, so the request context is
    outside it) and the hourly purge of answers older than 24 hours (a `PeriodicJob`: a failed run,
    e.g. the database away, is logged and retried with backoff)."""
    from petcare_kit.idempotency_requests import IdempotentRequests  # it imports this module

    app.add_middleware(IdempotentRequests, runtime=runtime)
    interval = getattr(runtime.settings, "purge_interval_seconds", 3600.0)

    async def purge_old() -> int:
        purged = await purge(runtime.sessions)
        if purged:
            log.info("purged %d idempotency answers older than %d hours", purged, KEEP_HOURS)
        return purged

    job = PeriodicJob("idempotency-purge", purge_old, interval_seconds=interval)
    runtime.add_background_task(job.name, job.run_forever)


__all__ = ["HEADER", "IdempotentUnitOfWork", "KeyReused", "RequestInProgress", "idempotency_keys",
           "install", "purge", "request_hash", "unit_of_work"]
