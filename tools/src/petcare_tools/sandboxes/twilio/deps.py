"""What every route of the Twilio sandbox depends on: the sandbox itself and the caller's account."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from .config import TwilioSandboxConfig
from .errors import AUTHENTICATION_FAILED, TwilioApiError
from .state import SandboxState
from .webhooks import WebhookSender


@dataclass
class TwilioSandbox:
    config: TwilioSandboxConfig
    state: SandboxState
    webhooks: WebhookSender

    @classmethod
    def build(cls, config: TwilioSandboxConfig) -> TwilioSandbox:
        state = SandboxState()
        return cls(config, state, WebhookSender(config, state))


def get_sandbox(request: Request) -> TwilioSandbox:
    return request.app.state.sandbox


SandboxDep = Annotated[TwilioSandbox, Depends(get_sandbox)]


def authenticated_account(request: Request, sandbox: SandboxDep) -> str:
    """The account the SDK calls for: the AccountSid of the path, else the Basic-auth user.

    Any credentials are accepted, but they must be there, as Twilio requires. When the user is the
    account's own sid, its password is the account's auth token: the sandbox remembers it to sign
    that account's webhooks (unless a token was set for the account through the admin API).
    """
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    try:
        username, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        username = password = ""
    if scheme.lower() != "basic" or not username or not password:
        raise TwilioApiError(AUTHENTICATION_FAILED, "Authenticate", status=401)
    account_sid = request.path_params.get("account_sid", username)
    if username == account_sid and account_sid.startswith("AC"):
        with sandbox.state.lock:
            sandbox.state.seen_tokens[account_sid] = password
    return account_sid


AccountDep = Annotated[str, Depends(authenticated_account)]
