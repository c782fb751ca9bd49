"""A text arriving from a phone at a company number, as Twilio handles it.

Twilio answers opt-out keywords itself: a single-word STOP (and its family) blocks further texts
from that company number to the phone (error 21610) until START; STOP, START and HELP get Twilio's
standard auto-reply. The text is then posted, signed, to the number's webhook: the messaging
service's inbound URL when the number is in a service that has one (and does not defer to the
number), else the number's SmsUrl.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from .outbound import is_valid_phone_number
from .segments import count_segments
from .state import Message, PhoneNumber, SandboxState, new_sid

OPT_OUT_KEYWORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_KEYWORDS = {"START", "YES", "UNSTOP"}
HELP_KEYWORDS = {"HELP", "INFO"}
AUTO_REPLIES = {
    "opt-out": "You have successfully been unsubscribed. You will not receive any more messages from this "
    "number. Reply START to resubscribe.",
    "opt-in": "You have successfully been re-subscribed to messages from this number. Reply HELP for help. "
    "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
    "help": "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
}


class InboundRejected(ValueError):
    """The simulated text cannot reach Twilio: unknown company number or invalid sender."""


@dataclass(frozen=True)
class Webhook:
    url: str
    method: str


@dataclass(frozen=True)
class InboundText:
    message: Message
    keyword: str | None
    """`opt-out`, `opt-in` or `help` when the body was one of Twilio's keywords."""
    webhook: Webhook | None
    media_content_types: list[str]


def receive_text(state: SandboxState, from_: str, to: str, body: str, media_urls: list[str]) -> InboundText:
    """Record the text, apply its keyword, and say where its webhook goes."""
    if not is_valid_phone_number(from_):
        raise InboundRejected(f"{from_!r} is not a valid E.164 phone number")
    with state.lock:
        number = state.number_by_phone(to)
        if number is None:
            raise InboundRejected(f"{to} is not a number of any account in the sandbox")
        membership = state.records.get(number.sid)
        service = state.records.get(str(membership.parent_sid)) if membership else None
        message = Message(
            sid=new_sid("MM" if media_urls else "SM"),
            account_sid=number.account_sid,
            direction="inbound",
            from_=from_,
            to=to,
            body=body,
            media_urls=media_urls,
            num_segments=count_segments(body),
            status="received",
            messaging_service_sid=service.sid if service else None,
        )
        state.messages[message.sid] = message
        keyword = _apply_keyword(state, number, from_, body)
        if keyword is not None:
            _auto_reply(state, message, AUTO_REPLIES[keyword])
    webhook = _webhook_of(number, service.fields if service else None)
    content_types = [mimetypes.guess_type(url)[0] or "application/octet-stream" for url in media_urls]
    return InboundText(message, keyword, webhook, content_types)


def _apply_keyword(state: SandboxState, number: PhoneNumber, from_: str, body: str) -> str | None:
    word = body.strip().upper()
    if word in OPT_OUT_KEYWORDS:
        state.opt_outs.add((number.phone_number, from_))
        return "opt-out"
    if word in OPT_IN_KEYWORDS:
        state.opt_outs.discard((number.phone_number, from_))
        return "opt-in"
    return "help" if word in HELP_KEYWORDS else None


def _auto_reply(state: SandboxState, received: Message, body: str) -> None:
    reply = Message(
        sid=new_sid("SM"),
        account_sid=received.account_sid,
        direction="outbound-reply",
        from_=received.to,
        to=received.from_,
        body=body,
        media_urls=[],
        num_segments=count_segments(body),
        status="delivered",
        messaging_service_sid=received.messaging_service_sid,
    )
    state.messages[reply.sid] = reply


def _webhook_of(number: PhoneNumber, service_fields: dict[str, object] | None) -> Webhook | None:
    if (
        service_fields
        and service_fields.get("inbound_request_url")
        and not service_fields.get("use_inbound_webhook_on_number")
    ):
        return Webhook(
            str(service_fields["inbound_request_url"]), str(service_fields.get("inbound_method") or "POST")
        )
    return Webhook(number.sms_url, number.sms_method) if number.sms_url else None
