"""The ASGI side of `Idempotency-Key` (see `petcare_kit.idempotency` for the rules): read the key and
the body, replay a stored answer, or run the request with its deferred-commit unit of work and store
its answer in the same transaction before sending it."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from petcare_kit.errors import DomainError, InvalidInput, Unauthenticated, error_body
from petcare_kit.idempotency import (
    HEADER,
    KEPT_HEADERS,
    MAX_KEY_LENGTH,
    NO_PERSON,
    PENDING,
    REPLAYED_HEADER,
    AnsweredMeanwhile,
    KeyReused,
    PendingKey,
    RequestInProgress,
    request_hash,
)
from petcare_kit.idempotency_store import StoredAnswer, find_answer, store_answer
from petcare_kit.identity import Role, verify_identity
from petcare_kit.transient import is_transient

if TYPE_CHECKING:
    from petcare_kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)


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

        token = PENDING.set(pending)
        try:
            try:
                await self.app(scope, _replaying(body), buffered_send)
            except AnsweredMeanwhile as replay:
                await _replay(send, replay.answer, pending)
                return
            finally:
                PENDING.reset(token)
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
