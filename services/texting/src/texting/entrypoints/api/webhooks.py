"""Twilio's webhooks, public at the gateway and checked here with the SDK's RequestValidator: a
missing or wrong X-Twilio-Signature is refused with 403 and stores nothing."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.errors import Forbidden
from petcare_kit.identity import PUBLIC, allow
from petcare_kit.providers.twilio import is_valid_twilio_signature

from texting.service_layer import webhooks

router = APIRouter(tags=["Twilio webhooks"])
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def _verified_form(request: Request, path: str) -> dict[str, str]:
    settings = request.app.state.runtime.settings
    form = {key: str(value) for key, value in (await request.form()).multi_items()}
    url = f"{settings.webhook_base_url.rstrip('/')}{path}"
    if request.url.query:
        url = f"{url}?{request.url.query}"
    signature = request.headers.get("x-twilio-signature", "")
    if not signature or not is_valid_twilio_signature(settings.twilio_auth_token, url, form, signature):
        raise Forbidden("The request is not signed by Twilio.", code="invalid_twilio_signature")
    return form


@router.post("/webhooks/twilio/status", **allow(PUBLIC))
async def twilio_status(request: Request, uow: UnitOfWorkDep) -> Response:
    await webhooks.status_callback(uow, await _verified_form(request, "/webhooks/twilio/status"))
    return Response(status_code=204)


@router.post("/webhooks/twilio/inbound", **allow(PUBLIC))
async def twilio_inbound(request: Request, uow: UnitOfWorkDep) -> Response:
    await webhooks.inbound(uow, await _verified_form(request, "/webhooks/twilio/inbound"))
    return Response(EMPTY_TWIML, media_type="text/xml")
