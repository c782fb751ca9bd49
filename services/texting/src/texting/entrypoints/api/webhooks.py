"""Twilio's webhooks, public at the gateway and checked here with the SDK's RequestValidator: a
missing or wrong X-Twilio-Signature is refused with 403 and stores nothing. A signed form that is
not what Twilio sends (no MessageSid, NumMedia not a count) is refused with 422."""

from __future__ import annotations

from typing import TypeVar

from fastapi import APIRouter, Request, Response
from petcare_kit.errors import Forbidden, InvalidInput
from petcare_kit.identity import PUBLIC, allow
from petcare_kit.providers.twilio import is_valid_twilio_signature
from pydantic import BaseModel, ValidationError

from texting.entrypoints.api.deps import WebhookContextDep
from texting.service_layer import webhooks
from texting.service_layer.commands import ApplyStatusCallback, ReceiveText

router = APIRouter(tags=["Twilio webhooks"])
C = TypeVar("C", bound=BaseModel)
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


def _command(model: type[C], form: dict[str, str]) -> C:
    try:
        return model.model_validate(form)
    except ValidationError as error:
        problems = error.errors(include_url=False, include_input=False, include_context=False)
        raise InvalidInput("This is not a webhook Twilio sends.", code="invalid_webhook", details=problems) from None


@router.post("/webhooks/twilio/status", status_code=204, response_class=Response, **allow(PUBLIC))
async def twilio_status(request: Request, ctx: WebhookContextDep) -> Response:
    form = await _verified_form(request, "/webhooks/twilio/status")
    await webhooks.status_callback(ctx, _command(ApplyStatusCallback, form))
    return Response(status_code=204)


@router.post("/webhooks/twilio/inbound", response_class=Response, **allow(PUBLIC),
             responses={200: {"content": {"text/xml": {}}, "description": "Empty TwiML: no automatic reply."}})
async def twilio_inbound(request: Request, ctx: WebhookContextDep) -> Response:
    form = await _verified_form(request, "/webhooks/twilio/inbound")
    await webhooks.inbound(ctx, _command(ReceiveText, form))
    return Response(EMPTY_TWIML, media_type="text/xml")
