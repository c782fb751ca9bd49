"""Programmable Messaging, 2010-04-01: `/Accounts/{AccountSid}/Messages.json` create, fetch, list."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request

from .deps import AccountDep, SandboxDep
from .errors import not_found
from .formats import PageRequest, message_json, v2010_page
from .outbound import OutboundRequest, accept_outbound

router = APIRouter(tags=["Messages"])


@router.post("/Accounts/{account_sid}/Messages.json", status_code=201)
async def create_message(request: Request, account: AccountDep, sandbox: SandboxDep) -> dict[str, Any]:
    """Accept the message (or refuse it with Twilio's error), then report its delivery by callbacks.
    Like Twilio's, the message resource returns nothing of the caller's (no StatusCallback)."""
    outbound = OutboundRequest.from_form(await request.form())
    message, failure = accept_outbound(sandbox.state, account, outbound)
    sandbox.webhooks.follow_delivery(message, failure)
    if sandbox.config.create_latency_seconds:
        await asyncio.sleep(sandbox.config.create_latency_seconds)
    return message_json(message)


@router.get("/Accounts/{account_sid}/Messages/{message_sid}.json")
async def fetch_message(
    message_sid: str, request: Request, account: AccountDep, sandbox: SandboxDep
) -> dict[str, Any]:
    message = sandbox.state.messages.get(message_sid)
    if message is None or message.account_sid != account:
        raise not_found(request.url.path)
    return message_json(message)


@router.get("/Accounts/{account_sid}/Messages.json")
async def list_messages(request: Request, account: AccountDep, sandbox: SandboxDep) -> dict[str, Any]:
    """Newest first, filtered by `To` and `From` as Twilio does."""
    to, from_ = request.query_params.get("To"), request.query_params.get("From")
    with sandbox.state.lock:
        messages = [
            m
            for m in reversed(sandbox.state.messages.values())
            if m.account_sid == account and to in (None, m.to) and from_ in (None, m.from_)
        ]
    return v2010_page("messages", [message_json(m) for m in messages], PageRequest.of(request))
