"""The SendGrid sandbox application: `POST /v3/mail/send` as SendGrid answers it, plus `/sandbox/`."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from .activity import activity_messages, parse_query
from .mailbox import InjectedFailure, Mailbox, StoredMail
from .mailbox_page import render_mail, render_mailbox
from .validation import ApiError, error, problems_with

MAX_ACTIVITY_LIMIT = 1000
FAILURE_MESSAGES = {429: "too many requests", 500: "internal error", 503: "service unavailable"}


@dataclass(frozen=True)
class SendGridSandboxConfig:
    api_keys: frozenset[str] = frozenset()
    """Keys accepted; empty accepts any key shaped like SendGrid's (`SG.` followed by anything)."""

    @classmethod
    def from_env(cls) -> SendGridSandboxConfig:
        """Reads SENDGRID_SANDBOX_API_KEYS (comma-separated)."""
        raw = os.environ.get("SENDGRID_SANDBOX_API_KEYS", "")
        return cls(frozenset(key.strip() for key in raw.split(",") if key.strip()))

    def accepts(self, api_key: str) -> bool:
        return api_key in self.api_keys if self.api_keys else api_key.startswith("SG.") and len(api_key) > 3


class FailureInjection(BaseModel):
    status: Literal[429, 500, 503] = 500
    count: int = Field(1, ge=1)
    to: str | None = None


def get_mailbox(request: Request) -> Mailbox:
    return request.app.state.mailbox


MailboxDep = Annotated[Mailbox, Depends(get_mailbox)]
api = APIRouter(tags=["SendGrid v3"])
sandbox = APIRouter(prefix="/sandbox", tags=["Sandbox: mailbox"])


@api.post("/v3/mail/send", status_code=202)
async def send_mail(request: Request, mailbox: MailboxDep) -> Response:
    """Authorize, answer an injected failure if one is due, validate, store: 202 and X-Message-Id."""
    refused = _unauthorized(request)
    if refused is not None:
        return refused
    try:
        body: Any = json.loads(await request.body())
    except ValueError:
        return _errors(400, [error("Bad Request")])
    failure = mailbox.take_failure(body)
    if failure is not None:
        return _injected(failure)
    problems = problems_with(body)
    if problems:
        return _errors(400, problems)
    mail = mailbox.accept(body)
    return Response(status_code=202, headers={"X-Message-Id": mail.message_id})


@api.get("/v3/messages", response_model=None)
async def email_activity(
    request: Request, mailbox: MailboxDep, query: str | None = None, limit: int = 10
) -> dict[str, Any] | JSONResponse:
    """Email Activity: the accepted mails matching `query` (see `activity.py`), one per recipient."""
    refused = _unauthorized(request)
    if refused is not None:
        return refused
    clauses = parse_query(query)
    if clauses is None:
        return _errors(400, [error(f"the sandbox cannot read this query: {query}", "query")])
    if not 1 <= limit <= MAX_ACTIVITY_LIMIT:
        return _errors(400, [error(f"limit must be between 1 and {MAX_ACTIVITY_LIMIT}", "limit")])
    return {"messages": activity_messages(mailbox.find(), clauses, limit)}


@sandbox.get("/messages")
async def list_mails(
    mailbox: MailboxDep, to: str | None = None, delivery_id: str | None = None
) -> list[dict[str, Any]]:
    """Every accepted mail, oldest first, duplicates included; `?to=` matches to, cc and bcc."""
    return [mail.view() for mail in mailbox.find(to=to, delivery_id=delivery_id)]


@sandbox.get("/messages/{message_id}")
async def get_mail(message_id: str, mailbox: MailboxDep) -> dict[str, Any]:
    return _mail(mailbox, message_id).view()


@sandbox.get("/", response_class=HTMLResponse)
async def mailbox_page(mailbox: MailboxDep) -> str:
    return render_mailbox(mailbox.find())


@sandbox.get("/view/{message_id}", response_class=HTMLResponse)
async def mail_page(message_id: str, mailbox: MailboxDep) -> str:
    return render_mail(_mail(mailbox, message_id))


@sandbox.post("/failures", status_code=201)
async def inject_failure(injection: FailureInjection, mailbox: MailboxDep) -> dict[str, Any]:
    """The next `count` sends (to `to`, or to anyone) answer `status` instead of being accepted."""
    with mailbox.lock:
        mailbox.failures.append(InjectedFailure(injection.status, injection.count, injection.to))
    return injection.model_dump()


@sandbox.post("/reset", status_code=204)
async def reset(mailbox: MailboxDep) -> None:
    mailbox.reset()


def create_app(config: SendGridSandboxConfig | None = None) -> FastAPI:
    """The ASGI app: `uvicorn --factory petcare_tools.sandboxes.sendgrid:create_app`.

    Settings come from the environment unless `config` is given (tests give it).
    """
    app = FastAPI(title="SendGrid sandbox")
    app.state.config = config or SendGridSandboxConfig.from_env()
    app.state.mailbox = Mailbox()
    app.include_router(api)
    app.include_router(sandbox)

    @app.get("/health", tags=["Sandbox: mailbox"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _mail(mailbox: Mailbox, message_id: str) -> StoredMail:
    found = next((m for m in mailbox.find() if m.message_id == message_id), None)
    if found is None:
        raise HTTPException(404, f"No mail {message_id}")
    return found


def _unauthorized(request: Request) -> JSONResponse | None:
    """401 unless `Authorization: Bearer <key>` carries a key the sandbox accepts."""
    scheme, _, api_key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not api_key:
        return _errors(401, [error("authorization required")])
    if not request.app.state.config.accepts(api_key):
        return _errors(401, [error("The provided authorization grant is invalid, expired, or revoked")])
    return None


def _errors(status: int, errors: list[ApiError], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errors": errors}, status_code=status, headers=headers)


def _injected(failure: InjectedFailure) -> JSONResponse:
    headers = None
    if failure.status == 429:
        headers = {
            "X-RateLimit-Limit": "600",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(int(time.time()) + 1),
        }
    return _errors(failure.status, [error(FAILURE_MESSAGES[failure.status])], headers)
