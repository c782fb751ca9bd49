"""The dev launcher: a whole run starts and stops cleanly, keeps its data, starts services."""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
import jwt
import psutil
import pytest
from petcare_kit.errors import Unauthenticated
from petcare_kit.identity import Identity, Role, sign_identity, verify_identity
from petcare_kit.service_spec import ServiceSpec
from petcare_kit.settings import DEV_INTERNAL_SECRET
from petcare_tools.embedded.broker import answers_metadata
from petcare_tools.embedded.databases import ensure_database
from petcare_tools.embedded.ports import free_port
from petcare_tools.launch.config import LaunchError
from petcare_tools.launch.sandboxes import has_factory
from petcare_tools.launch.services import migrate, select, service_env, start_service
from petcare_tools.launcher_secrets import dev_secrets, use_dev_secrets
from petcare_tools.testing.processes import ProcessManager

LAUNCHER = [sys.executable, "-m", "petcare_tools.launcher"]
# Whatever the developer's shell points at, these tests start their own servers.
EMBEDDED_ONLY = {"KAFKA_BOOTSTRAP_SERVERS": "", "POSTGRES_ADMIN_URL": ""}
STARTUP_SECONDS = 180
"""Generous: an initdb, a broker and sandboxes starting on a loaded 2-core machine; it only costs time
when something is broken."""


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Not tmp_path: under root, PostgreSQL runs as another user, who cannot enter pytest's tree.
    folder = Path(tempfile.mkdtemp(prefix="petcare-launcher-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def stop_and_check(processes: ProcessManager, sig: signal.Signals) -> None:
    """Signal the launcher; it must exit 0 and take every child with it."""
    launcher = processes["launcher"]
    children = psutil.Process(launcher.pid).children(recursive=True)
    assert children, "the launcher should have started the broker and the database"
    processes.kill("launcher", sig)
    assert launcher.popen.wait(60) == 0, launcher.log_tail()
    gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"left behind: {[p.cmdline() for p in alive]}"


@pytest.mark.infra
async def test_run_then_infra_keep_the_database_and_leave_nothing_behind(
    processes: ProcessManager, data_dir: Path
) -> None:
    broker_port, postgres_port, sendgrid_port, twilio_port = (free_port() for _ in range(4))
    ports = [
        *("--broker-port", str(broker_port), "--postgres-port", str(postgres_port)),
        *("--sendgrid-port", str(sendgrid_port), "--twilio-port", str(twilio_port)),
    ]
    run = [*LAUNCHER, "run", "--data-dir", str(data_dir), *ports, "--services", "none"]
    processes.start("launcher", run, EMBEDDED_ONLY)
    log = processes.wait_for_log("launcher", "petcare suite ready", timeout=STARTUP_SECONDS)
    assert "memory only" in log
    assert answers_metadata(broker_port)
    for name, port in (("sendgrid", sendgrid_port), ("twilio", twilio_port)):
        if has_factory(f"petcare_tools.sandboxes.{name}"):
            processes.wait_http_ok(f"http://127.0.0.1:{port}/health", timeout=60)
    admin_url = f"postgresql://postgres:postgres@127.0.0.1:{postgres_port}/postgres"
    kept_url = await ensure_database(admin_url, "kept")
    conn = await asyncpg.connect(kept_url.replace("+asyncpg", ""))
    await conn.execute("CREATE TABLE pets (name text); INSERT INTO pets VALUES ('Rex')")
    await conn.close()
    stop_and_check(processes, signal.SIGINT)

    infra = [*LAUNCHER, "infra", "--data-dir", str(data_dir), "--broker-port", "0", "--postgres-port", "0"]
    processes.start("launcher", infra, EMBEDDED_ONLY)
    log = processes.wait_for_log("launcher", "infrastructure ready", timeout=STARTUP_SECONDS)
    exports = dict(re.findall(r"^export (\w+)=(\S+)$", log, re.MULTILINE))
    assert answers_metadata(int(exports["KAFKA_BOOTSTRAP_SERVERS"].rsplit(":", 1)[1]))
    port = int(exports["POSTGRES_ADMIN_URL"].rsplit(":", 1)[1].split("/")[0])
    conn = await asyncpg.connect(f"postgresql://kept:kept@127.0.0.1:{port}/kept")
    assert await conn.fetchval("SELECT name FROM pets") == "Rex"
    await conn.close()
    stop_and_check(processes, signal.SIGTERM)


@pytest.mark.infra
def test_a_child_that_dies_stops_the_run(processes: ProcessManager, data_dir: Path) -> None:
    infra = [*LAUNCHER, "infra", "--data-dir", str(data_dir), "--broker-port", "0", "--postgres-port", "0"]
    launcher = processes.start("launcher", infra, EMBEDDED_ONLY)
    processes.wait_for_log("launcher", "infrastructure ready", timeout=STARTUP_SECONDS)
    children = psutil.Process(launcher.pid).children(recursive=True)
    [broker] = [child for child in children if child.name() == "tansu"]
    broker.kill()
    assert launcher.popen.wait(60) == 1
    assert "the broker exited" in launcher.log_tail()
    gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"left behind: {[p.cmdline() for p in alive]}"


FAKE_SERVICE = """
import os
from fastapi import FastAPI

def create_app():
    app = FastAPI()

    @app.get("/ready")
    def ready():
        return {name: os.environ.get(name) for name in (
            "KAFKA_BOOTSTRAP_SERVERS", "ENVIRONMENT", "FAKE_DATABASE_URL", "SENDGRID_HOST", "FAKE_FLAG")}

    return app
"""


def fake_spec(tmp_path: Path, factory: str = "fake_service:create_app") -> ServiceSpec:
    (tmp_path / "fake_service.py").write_text(FAKE_SERVICE)
    return ServiceSpec(
        name="fake",
        asgi_factory=factory,
        env_prefix="FAKE_",
        dev_port=free_port(),
        extra_dev_env={"PYTHONPATH": str(tmp_path), "FAKE_FLAG": "on"},
    )


def test_a_service_starts_with_its_dev_environment(processes: ProcessManager, tmp_path: Path) -> None:
    spec = fake_spec(tmp_path)
    env = service_env(
        spec,
        bootstrap_servers="127.0.0.1:19092",
        database_url="postgresql+asyncpg://fake:fake@127.0.0.1:15432/fake",
        providers={"SENDGRID_HOST": "http://127.0.0.1:8025"},
    )
    endpoint = start_service(processes, spec, env, ready_timeout=120)
    assert endpoint.address == f"http://127.0.0.1:{spec.dev_port}"
    assert httpx.get(f"{endpoint.address}/ready").json() == {
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:19092",
        "ENVIRONMENT": "development",
        "FAKE_DATABASE_URL": "postgresql+asyncpg://fake:fake@127.0.0.1:15432/fake",
        "SENDGRID_HOST": "http://127.0.0.1:8025",
        "FAKE_FLAG": "on",
    }


def test_a_service_that_cannot_start_fails_with_its_log(processes: ProcessManager, tmp_path: Path) -> None:
    spec = fake_spec(tmp_path, factory="fake_service:no_such_factory")
    env = service_env(spec, bootstrap_servers="127.0.0.1:1", database_url=None, providers={})
    with pytest.raises(LaunchError, match="no_such_factory"):
        start_service(processes, spec, env, ready_timeout=120)


def test_failed_migrations_stop_the_launch(processes: ProcessManager, tmp_path: Path) -> None:
    spec = fake_spec(tmp_path)
    with pytest.raises(LaunchError, match="fake-migrations failed"):
        migrate(processes, spec, {"FAKE_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"})


def test_select_services_by_name(tmp_path: Path) -> None:
    specs = [fake_spec(tmp_path), ServiceSpec("other", "other:create_app", "OTHER_", 1)]
    assert select(specs, "all") == specs
    assert select(specs, "none") == []
    assert select(specs, " other ") == [specs[1]]
    with pytest.raises(LaunchError, match="unknown services"):
        select(specs, "fake,ghost")


# ---- secrets made once per data folder (issue 9, item 13) ------------------------------------

def forged_admin_token(secret: str) -> str:
    """An admin access token as anyone reading the source could sign it."""
    now = int(time.time())
    claims = {"sub": str(uuid4()), "cid": str(uuid4()), "role": "admin", "sv": 1, "typ": "access",
              "iss": "petcare-clients", "iat": now, "exp": now + 900}
    return jwt.encode(claims, secret, algorithm="HS256")


def test_dev_secrets_differ_between_data_folders_and_stay_with_one(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    secrets_of_first, secrets_of_second = dev_secrets(first), dev_secrets(second)
    assert set(secrets_of_first) == {"INTERNAL_AUTH_SECRET", "TOKEN_SIGNING_SECRET"}
    assert not set(secrets_of_first.values()) & set(secrets_of_second.values())
    assert dev_secrets(first) == secrets_of_first, "the next run on the same folder reuses them"
    assert all(len(value.encode()) >= 32 for value in secrets_of_first.values())
    assert stat.S_IMODE((first / "secrets.env").stat().st_mode) == 0o600


def test_the_launcher_hands_its_children_the_folder_secrets_unless_set(tmp_path: Path) -> None:
    environ: dict[str, str] = {"TOKEN_SIGNING_SECRET": "set-by-the-developer-" + "x" * 20}
    in_force = use_dev_secrets(tmp_path, environ)
    assert environ["TOKEN_SIGNING_SECRET"] == in_force["TOKEN_SIGNING_SECRET"] == "set-by-the-developer-" + "x" * 20
    assert environ["INTERNAL_AUTH_SECRET"] == dev_secrets(tmp_path)["INTERNAL_AUTH_SECRET"]


def test_a_token_or_identity_forged_with_the_old_fixed_dev_secrets_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gateway_config = pytest.importorskip("gateway.config")
    from gateway.errors import NotAuthenticated
    from gateway.tokens import verify_access_token

    for name in ("INTERNAL_AUTH_SECRET", "TOKEN_SIGNING_SECRET", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    # What `make run` does before starting anything, applied through monkeypatch so that the
    # generated secrets do not leak into the tests that run after this one in the same process.
    environ = dict(os.environ)
    use_dev_secrets(tmp_path, environ)
    for name, value in environ.items():
        if os.environ.get(name) != value:
            monkeypatch.setenv(name, value)
    settings = gateway_config.GatewaySettings(services={})
    assert settings.environment == "development"
    with pytest.raises(NotAuthenticated):
        verify_access_token(forged_admin_token(gateway_config.DEV_TOKEN_SIGNING_SECRET),
                            secret=settings.token_signing_secret, issuer=settings.token_issuer)
    genuine = forged_admin_token(settings.token_signing_secret)
    assert verify_access_token(genuine, secret=settings.token_signing_secret, issuer=settings.token_issuer)

    forged = sign_identity(Identity(Role.ADMIN, uuid4(), uuid4()), secret=DEV_INTERNAL_SECRET, method="GET",
                           path="/clients")
    with pytest.raises(Unauthenticated):
        verify_identity(forged, secret=settings.internal_auth_secret, method="GET", path="/clients")
