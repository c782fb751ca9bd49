"""The sandboxes as real HTTP servers on free 127.0.0.1 ports, the real SDKs pointed at them, and a
webhook receiver standing in for the texting service. Servers live for the session (stopped at its
end, whatever happens); every test starts from a reset sandbox and an empty receiver."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from petcare_kit.providers.sendgrid import make_sendgrid_client
from petcare_kit.providers.twilio import make_twilio_client
from petcare_tools.sandboxes.background import serve_in_background
from petcare_tools.sandboxes.sendgrid import SendGridSandboxConfig
from petcare_tools.sandboxes.sendgrid import create_app as create_sendgrid_app
from petcare_tools.sandboxes.twilio import TwilioSandboxConfig
from petcare_tools.sandboxes.twilio import create_app as create_twilio_app
from petcare_tools.sandboxes.webhook_receiver import WebhookReceiver
from sendgrid import SendGridAPIClient
from twilio.rest import Client

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "texting-service-auth-token"


@pytest.fixture(scope="session")
def twilio_server() -> Iterator[str]:
    # A webhook the receiver answers late on a loaded machine is not a failure to retry (a retried
    # "sent" would show twice): 60 s, not the 5 s default.
    config = TwilioSandboxConfig(
        callback_delay_seconds=0.01, callback_retries=2, callback_backoff_seconds=0.02, webhook_timeout_seconds=60
    )
    with serve_in_background(create_twilio_app(config)) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def receiver_server() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    with serve_in_background(receiver.app) as base_url:
        receiver.base_url = base_url
        yield receiver


@pytest.fixture
def twilio_sandbox(twilio_server: str) -> Iterator[httpx.Client]:
    """An HTTP client on the reset sandbox, for its `/sandbox/` simulation endpoints."""
    with httpx.Client(base_url=twilio_server, trust_env=False) as http:
        http.post("/sandbox/reset").raise_for_status()
        yield http


@pytest.fixture
def receiver(receiver_server: WebhookReceiver) -> WebhookReceiver:
    receiver_server.clear()
    return receiver_server


@pytest.fixture
def twilio_client(twilio_server: str, twilio_sandbox: httpx.Client) -> Client:
    """The real Twilio SDK, on the reset sandbox, as the texting service builds it.

    Its `account_sid` and `password` (the auth token) are what webhooks must be validated with."""
    return make_twilio_client(ACCOUNT_SID, AUTH_TOKEN, twilio_server)


@pytest.fixture
def company_number(twilio_client: Client, receiver: WebhookReceiver) -> str:
    """A number the account bought, whose inbound texts go to the receiver's `/sms`."""
    available = twilio_client.available_phone_numbers("US").local.list(area_code="415", limit=1)
    bought = twilio_client.incoming_phone_numbers.create(
        phone_number=available[0].phone_number, sms_url=receiver.url("/sms")
    )
    return bought.phone_number


@pytest.fixture(scope="session")
def sendgrid_server() -> Iterator[str]:
    with serve_in_background(create_sendgrid_app(SendGridSandboxConfig())) as base_url:
        yield base_url


@pytest.fixture
def sendgrid_sandbox(sendgrid_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sendgrid_server, trust_env=False) as http:
        http.post("/sandbox/reset").raise_for_status()
        yield http


@pytest.fixture
def sendgrid_client(sendgrid_server: str, sendgrid_sandbox: httpx.Client) -> SendGridAPIClient:
    """The real SendGrid SDK, on the reset sandbox, as the notifications service builds it."""
    return make_sendgrid_client("SG.test-key.notifications", sendgrid_server)
