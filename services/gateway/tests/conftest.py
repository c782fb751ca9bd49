"""Fake services behind a real gateway: each fake declares roles with the kit's `allow()` and verifies
the identity the gateway signs, exactly as the real services do. The fakes are served by uvicorn on
free 127.0.0.1 ports; the gateway runs in FastAPI's TestClient (lifespan included)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from types import SimpleNamespace
from uuid import UUID, uuid4

import jwt
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from gateway.bootstrap import create_app
from gateway.config import GatewaySettings
from petcare_kit.errors import Unauthenticated
from petcare_kit.http import install_error_handlers
from petcare_kit.identity import (
    IDENTITY_HEADER,
    MANAGERS,
    PEOPLE,
    PUBLIC,
    STAFF_ROLES,
    IdentityDep,
    Role,
    allow,
)
from petcare_tools.sandboxes.background import serve_in_background
from petcare_tools.testing.answers import assert_error, wait_until_ready
from pydantic import BaseModel

INTERNAL_SECRET = "test-internal-secret"
TOKEN_SECRET = "test-token-signing-secret-of-32-bytes!"
UPSTREAM_TIMEOUT = 30.0
"""Every test gateway's upstream and session-check timeouts: generous, as a fake's answer can take
seconds on a loaded machine (at 0.5 s any call could end in a 504 there)."""
SHORT_UPSTREAM_TIMEOUT = 0.5
"""The upstream timeout of the gateway that `/slow` must outlast (`slow_gateway`)."""
READY_SECONDS = 60.0
LOGIN_ATTEMPTS_PER_MINUTE = 3
MAX_BODY_BYTES = 2048


class SignIn(BaseModel):
    email: str
    password: str


class Pet(BaseModel):
    name: str
    species: str = "dog"


class Visit(BaseModel):
    pet: Pet
    starts_at: str


@dataclass
class FakeState:
    """What the fake services saw, and the switches a test flips."""
    calls: Counter = field(default_factory=Counter)
    revoked: set[UUID] = field(default_factory=set)
    session_checks: list[tuple[UUID, int]] = field(default_factory=list)

    def reset(self) -> None:
        self.calls.clear(), self.revoked.clear(), self.session_checks.clear()


def _fake_service(title: str) -> FastAPI:
    app = FastAPI(title=title)
    app.state.runtime = SimpleNamespace(settings=SimpleNamespace(internal_auth_secret=INTERNAL_SECRET))
    install_error_handlers(app)
    return app


def _seen(identity) -> dict:  # type: ignore[no-untyped-def]
    return {"role": identity.role.value, "person_id": str(identity.person_id),
            "company_id": str(identity.company_id)}


def fake_clients(state: FakeState) -> FastAPI:
    app = _fake_service("clients")
    rate_limited = allow(PUBLIC)
    rate_limited["openapi_extra"]["x-rate-limit"] = "auth"

    @app.post("/auth/sign-in", **rate_limited)
    async def sign_in(body: SignIn, request: Request) -> dict:
        state.calls["sign_in"] += 1
        return {"access_token": "issued", "identity_header": request.headers.get(IDENTITY_HEADER)}

    @app.get("/echo", **allow(PUBLIC))
    async def echo(request: Request) -> dict:
        state.calls["echo"] += 1
        return {"headers": dict(request.headers), "path": request.url.path,
                "query": str(request.query_params)}

    @app.post("/echo", **allow(PUBLIC))
    async def echo_body(request: Request) -> dict:
        body = await request.body()
        return {"headers": dict(request.headers), "body": body.decode("latin-1")}

    @app.get("/clients/{client_id}", **allow(*PEOPLE))
    async def get_client(client_id: UUID, identity: IdentityDep, request: Request) -> dict:
        state.calls["get_client"] += 1
        return {"client_id": str(client_id), "seen": _seen(identity),
                "request_id": request.headers.get("x-request-id")}

    @app.post("/clients/{client_id}/pets", status_code=201, **allow(*PEOPLE))
    async def add_pet(client_id: UUID, pet: Pet, identity: IdentityDep, response: Response) -> Pet:
        state.calls["add_pet"] += 1
        response.headers["Location"] = f"/clients/{client_id}/pets/1"
        return pet

    @app.get("/company/settings", **allow(*MANAGERS))
    async def company_settings(identity: IdentityDep) -> dict:
        state.calls["company_settings"] += 1
        return {"seen": _seen(identity)}

    @app.get("/reports", openapi_extra={"x-roles": ["admin", "office_manager"]})
    async def reports(identity: IdentityDep) -> dict:
        """Declares managers but forgets to enforce it: only the gateway stands in the way."""
        state.calls["reports"] += 1
        return {"seen": _seen(identity)}

    @app.get("/files/{folder}/{name}/{version}", **allow(*PEOPLE))
    async def file(folder: str, name: str, version: str, identity: IdentityDep) -> dict:
        state.calls["file"] += 1
        return {"folder": folder}

    @app.get("/companies/{company_id}/summary", **allow(*STAFF_ROLES))
    async def company_summary(company_id: UUID, identity: IdentityDep) -> dict:
        state.calls["company_summary"] += 1
        return {"company_id": str(company_id)}

    @app.get("/internal/sessions/{person_id}", **allow(Role.INTERNAL))
    async def check_session(person_id: UUID, version: int) -> dict:
        state.session_checks.append((person_id, version))
        if person_id in state.revoked:
            raise Unauthenticated("This session has ended. Sign in again.", code="session_revoked")
        return {"active": True}

    @app.post("/internal/reindex", **allow(Role.INTERNAL))
    async def reindex() -> dict:
        state.calls["reindex"] += 1
        return {}

    @app.get("/slow", **allow(*PEOPLE))
    async def slow() -> dict:
        await asyncio.sleep(SHORT_UPSTREAM_TIMEOUT * 4)
        return {}

    @app.get("/probe")  # no x-roles: never routed by the gateway
    async def probe() -> dict:
        state.calls["probe"] += 1
        return {}

    return app


def fake_scheduling(state: FakeState) -> FastAPI:
    app = _fake_service("scheduling")

    @app.get("/visits", response_model=list[Visit], **allow(*PEOPLE))
    async def list_visits(identity: IdentityDep) -> list[Visit]:
        state.calls["list_visits"] += 1
        return [Visit(pet=Pet(name="Rex"), starts_at="2030-01-01T09:00:00Z")]

    @app.post("/visits", status_code=201, response_model=Visit, **allow(*STAFF_ROLES))
    async def add_visit(visit: Visit, identity: IdentityDep) -> Visit:
        return visit

    return app


@pytest.fixture(scope="session")
def fake_state() -> FakeState:
    return FakeState()


@pytest.fixture(scope="session")
def upstreams(fake_state: FakeState) -> Iterator[dict[str, str]]:
    with serve_in_background(fake_clients(fake_state)) as clients, \
            serve_in_background(fake_scheduling(fake_state)) as scheduling:
        yield {"clients": clients, "scheduling": scheduling}


@dataclass
class StoppableService:
    url: str
    stop: Callable[[], None]


@pytest.fixture
def doomed_service(fake_state: FakeState) -> Iterator[Callable[[str], StoppableService]]:
    """`doomed_service("scheduling")`: a fake of its own, which the test stops when it wants it gone."""
    with ExitStack() as all_started:
        def start(kind: str) -> StoppableService:
            one = all_started.enter_context(ExitStack())
            factory = {"clients": fake_clients, "scheduling": fake_scheduling}[kind]
            return StoppableService(one.enter_context(serve_in_background(factory(fake_state))), one.close)
        yield start


@pytest.fixture(autouse=True)
def _fresh_fake_state(fake_state: FakeState) -> None:
    fake_state.reset()


def gateway_settings(services: dict[str, str], **overrides) -> GatewaySettings:  # type: ignore[no-untyped-def]
    values = dict(
        services=services, environment="test", internal_auth_secret=INTERNAL_SECRET,
        token_signing_secret=TOKEN_SECRET, upstream_timeout_seconds=UPSTREAM_TIMEOUT,
        session_check_timeout_seconds=UPSTREAM_TIMEOUT, auth_rate_limit_per_minute=LOGIN_ATTEMPTS_PER_MINUTE,
        max_body_bytes=MAX_BODY_BYTES, routes_retry_max_seconds=0.2, log_json=False,
    )
    return GatewaySettings(**{**values, **overrides})


@pytest.fixture
def start_gateway() -> Iterator[Callable[..., TestClient]]:
    """Start a gateway (a replica) over the given services; all are stopped after the test."""
    with ExitStack() as stack:
        def start(services: dict[str, str], *, wait: bool = True, **overrides) -> TestClient:  # type: ignore[no-untyped-def]
            client = stack.enter_context(TestClient(create_app(gateway_settings(services, **overrides))))
            if wait:
                wait_until_ready(client, timeout=READY_SECONDS)
            return client
        yield start


@pytest.fixture
def gateway(start_gateway, upstreams) -> TestClient:  # type: ignore[no-untyped-def]
    return start_gateway(upstreams)


@pytest.fixture
def slow_gateway(start_gateway, upstreams) -> TestClient:  # type: ignore[no-untyped-def]
    """A gateway whose upstream calls time out after SHORT_UPSTREAM_TIMEOUT (its session checks do not)."""
    return start_gateway(upstreams, upstream_timeout_seconds=SHORT_UPSTREAM_TIMEOUT)


@dataclass(frozen=True)
class Person:
    role: Role
    person_id: UUID = field(default_factory=uuid4)
    company_id: UUID = field(default_factory=uuid4)
    session_version: int = 1

    def token(self, **claims) -> str:  # type: ignore[no-untyped-def]
        """A token as the clients service issues it; a claim set to None is left out."""
        secret = claims.pop("secret", TOKEN_SECRET)
        now = int(time.time())
        payload = {"sub": str(self.person_id), "cid": str(self.company_id), "role": self.role.value,
                   "sv": self.session_version, "typ": "access", "iss": "petcare-clients",
                   "iat": now, "exp": now + 900, **claims}
        payload = {key: value for key, value in payload.items() if value is not None}
        return jwt.encode(payload, secret, algorithm="HS256")

    def headers(self, **claims) -> dict[str, str]:  # type: ignore[no-untyped-def]
        return {"Authorization": f"Bearer {self.token(**claims)}"}


@pytest.fixture
def person() -> Callable[..., Person]:
    """`person(Role.STAFF, session_version=7)`: someone with a token to send."""
    return Person


@pytest.fixture
def client_person() -> Person:
    return Person(Role.CLIENT)


@pytest.fixture
def admin() -> Person:
    return Person(Role.ADMIN)


@pytest.fixture(name="assert_error")
def _assert_error_fixture() -> Callable[..., dict]:
    """The one error shape, with the status and stable code a frontend branches on."""
    return assert_error
