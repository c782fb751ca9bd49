"""`/sandbox/...`: what the outside world does to Twilio (phones text in, carriers fail, reviewers
approve), and what Twilio saw (the phone log), for developers and tests. Not part of Twilio's API."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from .deps import SandboxDep
from .inbound import InboundRejected, receive_text
from .phone_log import render_phone_log
from .state import FailureRule, Message
from .webhooks import inbound_params

router = APIRouter(prefix="/sandbox", tags=["Sandbox: simulation and phone log"])

DEFAULT_ERROR_CODES = {"rejected": 20500, "undelivered": 30003, "failed": 30008}
"""20500 Internal server error; 30003 Unreachable destination handset; 30008 Unknown error."""
HTTP_STATUS_OF_CODE = {20429: 429, 20500: 500, 20503: 503}


@dataclass(frozen=True)
class Review:
    """What reviewers decide on: records of these kinds, whose `status_field` takes these statuses."""

    kinds: tuple[str, ...]
    status_field: str
    statuses: frozenset[str]


REVIEWS = {
    "brands": Review(
        ("brand",),
        "status",
        frozenset(
            {"PENDING", "IN_REVIEW", "APPROVED", "FAILED", "SUSPENDED", "DELETION_PENDING", "DELETION_FAILED"}
        ),
    ),
    "campaigns": Review(
        ("campaign",), "campaign_status", frozenset({"PENDING", "IN_PROGRESS", "VERIFIED", "FAILED"})
    ),
    "bundles": Review(
        ("customer_profile", "trust_product"),
        "status",
        frozenset({"draft", "pending-review", "in-review", "twilio-approved", "twilio-rejected"}),
    ),
}


class TextFromPhone(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from")
    to: str
    body: str = ""
    media_urls: list[str] = []


class FailureInjection(BaseModel):
    outcome: Literal["rejected", "failed", "undelivered"] = "undelivered"
    """rejected: the create call answers an error; failed / undelivered: the status callbacks say so."""
    to: str | None = None
    count: int = Field(1, ge=1)
    error_code: int | None = None
    http_status: int | None = None


class ReviewDecision(BaseModel):
    status: str
    failure_reason: str | None = None
    identity_status: str | None = None


class AuthToken(BaseModel):
    auth_token: str = Field(min_length=1)


@router.get("/", response_class=HTMLResponse)
async def phone_log(sandbox: SandboxDep) -> str:
    return render_phone_log(sandbox.state)


@router.post("/inbound")
async def text_from_phone(text: TextFromPhone, sandbox: SandboxDep) -> dict[str, Any]:
    """A phone texts a company number: Twilio's keyword handling, then the signed webhook.

    Answers what the webhook answered, so a test sees whether the service accepted the text."""
    try:
        received = receive_text(sandbox.state, text.from_, text.to, text.body, text.media_urls)
    except InboundRejected as error:
        raise HTTPException(400, str(error)) from error
    webhook = None
    if received.webhook is not None:
        params = inbound_params(received.message, received.media_content_types)
        call = sandbox.webhooks.prepare(
            received.message, "inbound", received.webhook.url, params, received.webhook.method
        )
        attempt = await sandbox.webhooks.attempt(call)
        webhook = {
            "url": call.url,
            "method": call.method,
            "status_code": attempt.status_code,
            "error": attempt.error,
            "response_body": attempt.response_body,
        }
    return {"message_sid": received.message.sid, "keyword": received.keyword, "webhook": webhook}


@router.get("/messages")
async def messages(
    sandbox: SandboxDep, to: str | None = None, from_: Annotated[str | None, Query(alias="from")] = None
) -> list[dict[str, Any]]:
    """Every message sent and received (auto-replies too), oldest first; `?to=` and `?from=` filter."""
    with sandbox.state.lock:
        found = [
            m for m in sandbox.state.messages.values() if to in (None, m.to) and from_ in (None, m.from_)
        ]
        return [message_view(m) for m in found]


@router.get("/opt-outs")
async def opt_outs(sandbox: SandboxDep) -> list[dict[str, str]]:
    return [
        {"company_number": company, "phone_number": phone}
        for company, phone in sorted(sandbox.state.opt_outs)
    ]


@router.post("/failures", status_code=201)
async def inject_failure(injection: FailureInjection, sandbox: SandboxDep) -> dict[str, Any]:
    code = injection.error_code or DEFAULT_ERROR_CODES[injection.outcome]
    rule = FailureRule(
        outcome=injection.outcome,
        error_code=code,
        remaining=injection.count,
        to=injection.to,
        http_status=injection.http_status or HTTP_STATUS_OF_CODE.get(code, 400),
    )
    with sandbox.state.lock:
        sandbox.state.failure_rules.append(rule)
    return {
        "outcome": rule.outcome,
        "error_code": rule.error_code,
        "count": rule.remaining,
        "to": rule.to,
        "http_status": rule.http_status,
    }


@router.post("/{reviewed_kind}/{sid}/status")
async def decide_review(
    reviewed_kind: str, sid: str, decision: ReviewDecision, sandbox: SandboxDep
) -> dict[str, Any]:
    """Move a brand, campaign or bundle (customer profile, trust product) to a review status."""
    review = REVIEWS.get(reviewed_kind)
    if review is None:
        raise HTTPException(404, f"Reviewed kinds are {sorted(REVIEWS)}")
    if decision.status not in review.statuses:
        raise HTTPException(422, f"status must be one of {sorted(review.statuses)}")
    with sandbox.state.lock:
        record = sandbox.state.records.get(sid)
        if record is None or record.kind not in review.kinds:
            raise HTTPException(404, f"No {reviewed_kind[:-1]} {sid}")
        fields = record.fields
        fields[review.status_field] = decision.status
        if decision.failure_reason:
            fields["failure_reason"] = decision.failure_reason
            fields["errors"] = [{"description": decision.failure_reason}]
        if record.kind == "brand" and decision.status == "APPROVED":
            fields["tcr_id"] = fields.get("tcr_id") or "B" + secrets.token_hex(3).upper()
            sole_proprietor = fields.get("brand_type") == "SOLE_PROPRIETOR"
            fields["identity_status"] = decision.identity_status or (
                "UNVERIFIED" if sole_proprietor else "VERIFIED"
            )
        elif decision.identity_status:
            fields["identity_status"] = decision.identity_status
        if record.kind == "campaign" and decision.status == "VERIFIED":
            fields["campaign_id"] = fields.get("campaign_id") or "C" + secrets.token_hex(3).upper()
        return {"sid": sid, **fields}


@router.put("/accounts/{account_sid}/auth-token", status_code=204)
async def set_auth_token(account_sid: str, token: AuthToken, sandbox: SandboxDep) -> None:
    """Sign this account's webhooks with `auth_token`, whatever token its API calls use."""
    with sandbox.state.lock:
        sandbox.state.configured_tokens[account_sid] = token.auth_token


@router.post("/reset", status_code=204)
async def reset(sandbox: SandboxDep) -> None:
    """Forget everything and stop pending callbacks: a clean Twilio for the next test."""
    sandbox.webhooks.cancel_pending()
    sandbox.state.reset()


def message_view(message: Message) -> dict[str, Any]:
    return {
        "sid": message.sid,
        "account_sid": message.account_sid,
        "direction": message.direction,
        "from": message.from_,
        "to": message.to,
        "body": message.body,
        "media_urls": message.media_urls,
        "num_segments": message.num_segments,
        "status": message.status,
        "error_code": message.error_code,
        "messaging_service_sid": message.messaging_service_sid,
        "status_callback": message.status_callback,
        "date_created": message.date_created.isoformat(),
        "history": [{"status": status, "at": at.isoformat()} for status, at in message.history],
        "webhooks": [
            {
                "event": call.event,
                "url": call.url,
                "method": call.method,
                "params": call.params,
                "signature": call.signature,
                "answered_2xx": call.answered_2xx,
                "attempts": [
                    {"at": a.at.isoformat(), "status_code": a.status_code, "error": a.error}
                    for a in call.attempts
                ],
            }
            for call in message.webhooks
        ],
    }
