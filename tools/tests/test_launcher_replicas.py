"""The launcher's `--replicas notifications=3,texting=2` (R-SCALE-1): parsed against the started
services, each replica its own process and port, the gateway's route unchanged (replica 1)."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
from petcare_kit.service_spec import ServiceSpec
from petcare_tools.embedded.ports import free_port, is_port_free
from petcare_tools.launch.config import LaunchError
from petcare_tools.launch.replicas import REPLICA_PORT_STEP, parse_replicas, replica_name, replica_port
from petcare_tools.launch.services import start_service
from petcare_tools.testing.processes import ProcessManager

LAUNCHER = [sys.executable, "-m", "petcare_tools.launcher"]
SPECS = [ServiceSpec("notifications", "n:create_app", "NOTIFICATIONS_", 8102),
         ServiceSpec("texting", "t:create_app", "TEXTING_", 8103)]
FAKE_SERVICE = """
import os
from fastapi import FastAPI

def create_app():
    app = FastAPI()

    @app.get("/ready")
    def ready():
        return {"database": os.environ.get("FAKE_DATABASE_URL"), "pid": os.getpid()}

    return app
"""


def test_replicas_are_counted_per_started_service() -> None:
    assert parse_replicas("", SPECS) == {}
    assert parse_replicas("notifications=3, texting=2", SPECS) == {"notifications": 3, "texting": 2}
    assert parse_replicas("texting=1,", SPECS) == {"texting": 1}


@pytest.mark.parametrize(("text", "problem"), [
    ("notifications", "name=count"), ("notifications=three", "name=count"), ("notifications=-1", "name=count"),
    ("billing=2", "not among the started services"), ("texting=0", "between 1 and"), ("texting=10", "between 1 and"),
])
def test_bad_replica_counts_are_refused_before_anything_starts(text: str, problem: str) -> None:
    with pytest.raises(LaunchError, match=problem):
        parse_replicas(text, SPECS)


def test_replica_names_and_ports() -> None:
    notifications = SPECS[0]
    assert [replica_name(notifications, n) for n in (1, 2, 3)] == ["notifications", "notifications-2",
                                                                    "notifications-3"]
    assert [replica_port(notifications, n) for n in (1, 2, 3)] == [8102, 9102, 10102]


def test_the_launcher_refuses_replicas_of_a_service_it_does_not_start(processes: ProcessManager,
                                                                       tmp_path: Path) -> None:
    launcher = processes.start("launcher", [*LAUNCHER, "run", "--data-dir", str(tmp_path), "--services", "none",
                                            "--replicas", "notifications=3"])
    assert launcher.popen.wait(60) == 2
    assert "not among the started services" in launcher.log_tail()


def _port_with_a_free_replica_port() -> int:
    for _ in range(50):
        port = free_port()
        if port + REPLICA_PORT_STEP < 65536 and is_port_free(port + REPLICA_PORT_STEP):
            return port
    raise AssertionError("no free pair of ports")


def test_each_replica_is_its_own_process_on_its_own_port_with_the_same_environment(
        processes: ProcessManager, tmp_path: Path) -> None:
    (tmp_path / "fake_service.py").write_text(FAKE_SERVICE)
    spec = ServiceSpec(name="fake", asgi_factory="fake_service:create_app", env_prefix="FAKE_",
                       dev_port=_port_with_a_free_replica_port(), extra_dev_env={})
    env = {"PYTHONPATH": str(tmp_path), "FAKE_DATABASE_URL": "postgresql+asyncpg://fake@127.0.0.1:1/fake"}
    first = start_service(processes, spec, env, ready_timeout=120, replica=1, replicas=2)
    second = start_service(processes, spec, env, ready_timeout=120, replica=2, replicas=2)
    assert (first.name, first.address) == ("fake", f"http://127.0.0.1:{spec.dev_port}")
    assert (second.name, second.address) == ("fake-2", f"http://127.0.0.1:{spec.dev_port + REPLICA_PORT_STEP}")
    assert "the gateway routes here" in first.note and "replica 2 of 2" in second.note
    answers = [httpx.get(f"{endpoint.address}/ready").json() for endpoint in (first, second)]
    assert answers[0]["database"] == answers[1]["database"] == env["FAKE_DATABASE_URL"]
    assert answers[0]["pid"] != answers[1]["pid"]
    assert processes["fake-2"].pid == answers[1]["pid"]
