"""Twilio's rules for accepting an outbound message (`Messages.json` create), and the sender choice.

A refusal raises `TwilioApiError` with Twilio's code, so the SDK raises `TwilioRestException` just as
it would in production: missing To (21604), no body nor media (21602), body over 1,600 characters
(21617), more than 10 media (21623), a media URL (21620) or StatusCallback (21609) that is not
http(s), no sender (21603), a From the account does not own (21606), an unknown or empty messaging
service (21701, 21704), an invalid To (21211), a To that texted STOP to that sender (21610).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.datastructures import FormData

from . import errors
from .errors import TwilioApiError
from .segments import count_segments
from .state import FailureRule, Message, SandboxState, new_sid

MAX_BODY_CHARACTERS = 1600
MAX_MEDIA = 10
NORTH_AMERICAN_NUMBER = re.compile(r"^\+1[2-9]\d{2}[2-9]\d{6}$")
INTERNATIONAL_NUMBER = re.compile(r"^\+[2-9]\d{6,14}$")


def is_valid_phone_number(number: str) -> bool:
    """E.164, and for +1 the North American plan (area code and exchange start with 2-9)."""
    return bool(NORTH_AMERICAN_NUMBER.match(number) or INTERNATIONAL_NUMBER.match(number))


@dataclass(frozen=True)
class OutboundRequest:
    to: str
    from_: str
    body: str
    media_urls: list[str]
    status_callback: str
    messaging_service_sid: str

    @classmethod
    def from_form(cls, form: FormData) -> OutboundRequest:
        return cls(
            to=str(form.get("To") or "").strip(),
            from_=str(form.get("From") or "").strip(),
            body=str(form.get("Body") or ""),
            media_urls=[str(url) for url in form.getlist("MediaUrl")],
            status_callback=str(form.get("StatusCallback") or ""),
            messaging_service_sid=str(form.get("MessagingServiceSid") or ""),
        )


def accept_outbound(
    state: SandboxState, account_sid: str, request: OutboundRequest
) -> tuple[Message, FailureRule | None]:
    """Store the message as Twilio would accept it, with the injected failure it must end in."""
    _check_content(request)
    with state.lock:
        sender, service_sid, service_callback = _choose_sender(state, account_sid, request)
        if not is_valid_phone_number(request.to):
            raise TwilioApiError(errors.INVALID_TO_NUMBER, f"Invalid 'To' Phone Number: {request.to}")
        if (sender, request.to) in state.opt_outs:
            raise TwilioApiError(errors.RECIPIENT_OPTED_OUT, "Attempt to send to unsubscribed recipient")
        failure = state.take_failure(request.to)
        if failure is not None and failure.outcome == "rejected":
            raise TwilioApiError(
                failure.error_code,
                f"Injected by the sandbox: send to {request.to} refused",
                failure.http_status,
            )
        message = Message(
            sid=new_sid("MM" if request.media_urls else "SM"),
            account_sid=account_sid,
            direction="outbound-api",
            from_=sender,
            to=request.to,
            body=request.body,
            media_urls=request.media_urls,
            num_segments=count_segments(request.body),
            # Twilio answers "accepted" while a messaging service still has to pick the sender.
            status="accepted" if service_sid and not request.from_ else "queued",
            status_callback=request.status_callback or service_callback,
            messaging_service_sid=service_sid,
        )
        state.messages[message.sid] = message
    return message, failure


def _check_content(request: OutboundRequest) -> None:
    if not request.to:
        raise TwilioApiError(errors.TO_REQUIRED, "A 'To' phone number is required.")
    if not request.body and not request.media_urls:
        raise TwilioApiError(errors.BODY_REQUIRED, "Message body is required.")
    if len(request.body) > MAX_BODY_CHARACTERS:
        raise TwilioApiError(
            errors.BODY_TOO_LONG, "The concatenated message body exceeds the 1600 character limit."
        )
    if len(request.media_urls) > MAX_MEDIA:
        raise TwilioApiError(errors.TOO_MANY_MEDIA, "Number of media files exceeds allowed limit (10).")
    if any(not url.startswith(("http://", "https://")) for url in request.media_urls):
        raise TwilioApiError(errors.INVALID_MEDIA_URL, "Invalid media URL(s)")
    if request.status_callback and not request.status_callback.startswith(("http://", "https://")):
        raise TwilioApiError(errors.INVALID_STATUS_CALLBACK, "Invalid StatusCallback URL")


def _choose_sender(
    state: SandboxState, account_sid: str, request: OutboundRequest
) -> tuple[str, str | None, str | None]:
    """(From number, messaging service sid, the service's status callback)."""
    service = None
    if request.messaging_service_sid:
        service = state.record("messaging_service", request.messaging_service_sid, account_sid)
        if service is None:
            raise TwilioApiError(errors.MESSAGING_SERVICE_NOT_FOUND, "The Messaging Service does not exist")
    service_sid = service.sid if service else None
    service_callback = service.fields.get("status_callback") if service else None
    if request.from_:
        number = state.number_by_phone(request.from_)
        if number is None or number.account_sid != account_sid:
            raise TwilioApiError(
                errors.FROM_NOT_OWNED,
                f"The From phone number {request.from_} is not a valid, SMS-capable inbound phone number "
                "or short code for your account.",
            )
        return request.from_, service_sid, service_callback
    if service is None:
        raise TwilioApiError(errors.FROM_REQUIRED, "A 'From' phone number is required.")
    pool = state.records_of("service_phone_number", account_sid, parent_sid=service.sid)
    if not pool:
        raise TwilioApiError(
            errors.MESSAGING_SERVICE_HAS_NO_NUMBERS, "The Messaging Service contains no phone numbers"
        )
    return pool[0].fields["phone_number"], service.sid, service_callback
