"""The factories in petcare_kit.providers point the SDKs at the sandbox only when told to."""

from __future__ import annotations

import pytest
from petcare_kit.providers.sendgrid import make_sendgrid_client
from petcare_kit.providers.twilio import SandboxTwilioHttpClient, make_twilio_client


@pytest.mark.parametrize(
    ("twilio_url", "sandbox_url"),
    [
        (
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
            "/api/2010-04-01/Accounts/AC1/Messages.json",
        ),
        (
            "https://messaging.twilio.com/v1/a2p/BrandRegistrations?PageSize=50",
            "/messaging/v1/a2p/BrandRegistrations?PageSize=50",
        ),
        ("https://trusthub.twilio.com/v1/CustomerProfiles", "/trusthub/v1/CustomerProfiles"),
        ("https://api.dublin.ie1.twilio.com/2010-04-01/Accounts.json", "/api/2010-04-01/Accounts.json"),
    ],
    ids=["api", "messaging with query", "trusthub", "edge and region"],
)
def test_the_sandbox_http_client_sends_each_twilio_product_under_its_own_prefix(
    twilio_url: str, sandbox_url: str
) -> None:
    assert (
        SandboxTwilioHttpClient("http://127.0.0.1:8026/").sandbox_url(twilio_url)
        == "http://127.0.0.1:8026" + sandbox_url
    )


def test_a_url_that_is_not_twilios_is_left_alone() -> None:
    assert SandboxTwilioHttpClient("http://127.0.0.1:8026").sandbox_url("http://127.0.0.1:8026/api/x") == (
        "http://127.0.0.1:8026/api/x"
    )


def test_without_a_sandbox_the_twilio_client_talks_to_twilio_with_a_timeout() -> None:
    client = make_twilio_client("AC" + "0" * 32, "token", None)
    assert not isinstance(client.http_client, SandboxTwilioHttpClient)
    assert client.http_client.timeout == 10.0
    sandboxed = make_twilio_client("AC" + "0" * 32, "token", "http://127.0.0.1:8026")
    assert isinstance(sandboxed.http_client, SandboxTwilioHttpClient)


def test_the_sendgrid_client_goes_to_the_sandbox_host_only_when_given_one() -> None:
    assert make_sendgrid_client("SG.x", "http://127.0.0.1:8025").host == "http://127.0.0.1:8025"
    real = make_sendgrid_client("SG.x", None)
    assert real.host == "https://api.sendgrid.com" and real.client.timeout == 10.0
