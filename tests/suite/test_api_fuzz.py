"""Issue 9 item 4: schemathesis against the gateway's merged OpenAPI, as an admin and as a client,
on the real processes (clients, notifications, texting, scheduling, billing, facility, the gateway, the three
provider sandboxes): every
operation, data that fits its schema and data that does not; any 5xx fails the test, listing each
as a curl command to replay.

API_FUZZ_EXAMPLES (default 2: about 1,300 requests over six services, a few minutes) is the number of examples per
operation, generation mode and token; API_FUZZ_SEED varies the otherwise repeatable run. Raise both
to hunt, API_FUZZ_PATHS (a path prefix) to hunt in one service's routes:
`API_FUZZ_EXAMPLES=50 API_FUZZ_SEED=7 API_FUZZ_PATHS=/api/scheduling pytest tests/suite/test_api_fuzz.py -s`."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from petcare_tools.testing.topics import envelope_of, read_topic_to_end
from schemathesis import GenerationMode
from twilio.request_validator import RequestValidator

from suite.plans import hold_port
from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "2"))
SEED = os.environ.get("API_FUZZ_SEED")
KNOWN_IDS_UNDER = "/api/scheduling"
"""Where half the cases use real ids (`with_known_ids`). Not in clients: a real client id lets a case
deactivate the client, which revokes the portal token, and the rest of the run would be 401s."""
PATHS = os.environ.get("API_FUZZ_PATHS", "/")
"""Only operations whose path starts with this (`/api/scheduling`: one service's routes)."""
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
TWILIO_AUTH_TOKEN = "sandbox-auth-token"
"""The texting service's default, which the suite does not override."""


@dataclass
class ServerError:
    token: str
    mode: str
    status: int
    body: str
    curl: str

    def __str__(self) -> str:
        return f"[{self.token}/{self.mode}] {self.status} {self.body[:200]}\n    {self.curl}"


@pytest.fixture
async def world(processes, kafka_bootstrap_servers, postgres_admin_url, stripe_sandbox):
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    sendgrid, twilio = await suite.start_sandbox("sendgrid"), await suite.start_sandbox("twilio")
    held = hold_port()  # the gateway's, named to texting before the gateway starts (port race)
    gateway_port = held.getsockname()[1]
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    try:
        await suite.start("clients")
        await suite.start("notifications", SENDGRID_HOST=sendgrid, SENDGRID_API_KEY="SG.suite")
        await suite.start("texting", TWILIO_API_BASE=twilio, TEXTING_WEBHOOK_BASE_URL=f"{gateway_url}/api/texting")
        await suite.start("scheduling")
        await suite.start("billing", STRIPE_API_BASE=stripe_sandbox)
        await suite.start("facility")
    finally:
        held.close()
    await suite.start_gateway(port=gateway_port)
    return suite, gateway_url


async def tokens(suite: Suite, gateway: str) -> tuple[dict[str, str], dict[str, str]]:
    """An admin's and a portal client's access tokens, in a company with one client and one pet; and
    the ids of that company's things (`known_ids`)."""
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        signup = (await http.post("/api/clients/signup", json={"company_name": "Fuzz Paws", "admin": {
            "first_name": "Fay", "last_name": "Admin", "email": "fay@fuzzpaws.com", "password": PASSWORD}})).json()
        admin = {"authorization": f"Bearer {signup['tokens']['access_token']}"}
        client = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Cid", "last_name": "Client", "emails": ["cid@example.com"],
            "phones": [{"label": "mobile", "number": "(416) 555-0142"}], "send_activation_email": True})).json()
        pet = (await http.post(f"/api/clients/clients/{client['id']}/pets", headers=admin,
                               json={"name": "Rex", "species": "dog"})).json()
        token = await activation_token(suite, signup["company"]["id"])
        assert (await http.post("/api/clients/auth/activate", json={"token": token, "password": PASSWORD})
                ).status_code == 204
        signed_in = (await http.post("/api/clients/auth/sign-in", json={
            "company": signup["company"]["slug"], "email": "cid@example.com", "password": PASSWORD})).json()
        ids = await known_ids(http, admin, client["id"], pet["id"])
        return {"admin": signup["tokens"]["access_token"], "client": signed_in["access_token"]}, ids


async def known_ids(http: httpx.AsyncClient, admin: dict[str, str], client_id: str, pet_id: str) -> dict[str, str]:
    """Path parameters that name real things of the fuzzing company (a client, their pet, and in
    scheduling a service, a visit and a template), so that half the cases reach the use cases
    behind the look-ups instead of a 404 (`with_known_ids`)."""
    ids = {"client_id": client_id, "person_id": client_id, "pet_id": pet_id}
    deadline = time.monotonic() + 180  # until scheduling has read the company, the client and the pet (clients.events)
    while time.monotonic() < deadline:
        service = await http.post("/api/scheduling/services", headers=admin, json={
            "name": "Fuzz walk", "duration_minutes": 30, "price_cents": 2500, "client_selectable": True,
            "late_reminder_minutes": 15})
        visit = await http.post("/api/scheduling/visits", headers=admin, json={
            "client_id": client_id, "pet_ids": [pet_id], "service_id": service.json().get("id", client_id),
            "visit_date": "2030-06-03", "start_time": "09:00"})
        if visit.status_code == 201:
            break
        await asyncio.sleep(0.5)
    assert visit.status_code == 201, visit.text
    template = await http.post("/api/scheduling/templates", headers=admin, json={
        "client_id": client_id, "pet_ids": [pet_id], "service_id": service.json()["id"], "starts_on": "2030-07-01",
        "start_time": "10:00", "repeat": {"frequency": "weekly", "weekdays": ["MO", "TH"]},
        "billing": {"frequency": "monthly"}, "auto_approve_days": 7})
    assert template.status_code == 201, template.text
    return ids | {"service_id": service.json()["id"], "visit_id": visit.json()["id"],
                  "template_id": template.json()["id"]}


def with_known_ids(strategy, ids: dict[str, str]):
    """`strategy`'s cases, half of them with the path parameters of `ids` set to the real ones."""
    def apply(pair):
        case, known = pair
        if known and case.path_parameters:
            case.path_parameters = {k: ids.get(k, v) for k, v in case.path_parameters.items()}
        return case

    return st.tuples(strategy, st.booleans()).map(apply)


async def activation_token(suite: Suite, company_id: str, timeout: float = 120) -> str:  # noqa: ASYNC109
    """The token of the company's activation email, from clients.events read whole each time (a read
    cut off after a fixed time saw only the start of a long topic on a busy machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = await read_topic_to_end(suite.bootstrap_servers, "clients.events")
        for record in records:
            event = envelope_of(record)
            if event["company_id"] == company_id and event["type"] == "clients.portal.activation_email_requested":
                return parse_qs(urlparse(event["data"]["activation_url"]).query)["token"][0]
        await asyncio.sleep(0.5)
    raise AssertionError("no activation email requested")


def without_security(document: dict) -> dict:
    """Our tokens go on every request; left declared, negative cases would mostly drop them and
    test the gateway's 401 instead of the services' validation."""
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("security", None)
    document.get("components", {}).pop("securitySchemes", None)
    return document


def fuzz(schema, gateway: str, tokens: dict[str, str], ids: dict[str, str]) -> tuple[int, list[ServerError]]:
    """Every operation x generation mode x token, EXAMPLES cases each; returns (cases sent, 5xx)."""
    sent: list[int] = []
    errors: list[ServerError] = []
    http = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(PATHS):
            continue
        for mode in MODES:
            strategy = operation.as_strategy(generation_mode=mode)
            if operation.path.startswith(KNOWN_IDS_UNDER):
                strategy = with_known_ids(strategy, ids)
            for name, token in tokens.items():
                try:
                    examples(strategy, gateway, http, name, token, mode, sent, errors)()
                except Unsatisfiable:
                    break  # no invalid request exists (an operation without parameters or body)
    print(f"api fuzz: {len(sent)} requests, by status: {sorted(Counter(sent).items())}")
    return len(sent), errors


def examples(strategy, gateway: str, http: requests.Session, name: str, token: str, mode: GenerationMode,
             sent: list[int], errors: list[ServerError]):
    """A hypothesis test sending EXAMPLES cases of one operation, mode and token; 5xx go to `errors`."""
    headers = {"authorization": f"Bearer {token}"}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=SEED is None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
              verbosity=Verbosity.quiet)
    @given(case=strategy)
    def run(case) -> None:
        # Beyond the suite gateway's own upstream deadline (60 s): a slow moment of a loaded machine
        # is not a failure of this test, which is about 5xx answers.
        response = case.call(base_url=gateway, session=http, headers=headers, timeout=90)
        sent.append(response.status_code)
        if response.status_code >= 500:
            errors.append(ServerError(name, mode.value, response.status_code, response.text,
                                      case.as_curl_command(headers=headers)))

    return seed(int(SEED))(run) if SEED is not None else run


async def reported_kinds(http: httpx.AsyncClient, gateway: str, access: dict[str, str]) -> list[str]:
    """The issue's own examples, one per kind: each must be a 4xx (or, for an empty change, a 2xx)."""
    admin = {"authorization": f"Bearer {access['admin']}"}
    [client] = (await http.get(f"{gateway}/api/clients/clients", headers=admin)).json()
    cid = client["id"]
    status_url = f"{gateway}/api/texting/webhooks/twilio/status"
    requests_ = [
        ("POST", "/api/clients/clients", {"json": {"first_name": "a\u0000b", "last_name": "Nul"}}, 422),
        ("GET", "/api/clients/clients", {"params": {"search": "a\x00b"}}, 422),
        ("PATCH", f"/api/clients/clients/{cid}", {"json": {"first_name": None}}, 422),
        ("PATCH", f"/api/clients/clients/{cid}", {"json": {"custom_fields": None}}, 422),
        ("GET", "/api/clients/clients", {"params": {"offset": 2**70}}, 422),
        ("GET", f"/api/notifications/conversations/{cid}/messages", {"params": {"before": "0001-01-01T00:00:00+14:00"}},
         422),
        ("GET", f"/api/notifications/conversations/{cid}/messages", {"params": {"before": "9999-12-31T23:59:59-14:00"}},
         422),
        ("PUT", "/api/texting/settings", {"json": {}}, None),
        ("POST", "/api/texting/webhooks/twilio/status", signed(status_url, {"MessageStatus": "delivered"}), 422),
        ("POST", "/api/texting/webhooks/twilio/inbound",
         signed(f"{gateway}/api/texting/webhooks/twilio/inbound", {
             "MessageSid": "SM" + "0" * 32, "From": "+14165550142", "To": "+14165550100", "Body": "hi",
             "NumMedia": "two"}), 422),
    ]
    wrong = []
    for method, path, kwargs, expected in requests_:
        response = await http.request(method, f"{gateway}{path}", headers={**admin, **kwargs.pop("headers", {})},
                                      **kwargs)
        ok = response.status_code == expected if expected else response.status_code < 500
        if not ok:
            wrong.append(f"{method} {path} {kwargs}: {response.status_code} {response.text[:200]}")
    return wrong


def signed(url: str, form: dict[str, str]) -> dict:
    """A form Twilio could have posted: signed with the texting service's (sandbox) auth token."""
    signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(url, form)
    return {"data": form, "headers": {"x-twilio-signature": signature}}


@pytest.mark.timeout(900)  # ~3,000 requests over six services: minutes on a 2-core machine, not a hang
async def test_r_api_no_request_through_the_gateway_answers_5xx(world):
    suite, gateway = world
    access, ids = await tokens(suite, gateway)
    async with httpx.AsyncClient(timeout=30) as http:
        wrong = await reported_kinds(http, gateway, access)
        document = (await http.get(f"{gateway}/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(without_security(document))
    sent, errors = await asyncio.to_thread(fuzz, schema, gateway, access, ids)
    assert not wrong, "the issue's examples:\n" + "\n".join(wrong)
    assert sent >= (300 if PATHS == "/" else 1), f"only {sent} cases were generated"
    assert not errors, f"{len(errors)} of {sent} requests answered 5xx:\n" + "\n".join(map(str, errors))
