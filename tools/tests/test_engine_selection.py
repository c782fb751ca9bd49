"""Which Kafka and PostgreSQL the tests get (petcare_tools.testing.engines): a configured server wins,
then PETCARE_TESTCONTAINERS, then testcontainers when a Docker engine answers, else the embedded ones.

This machine has no Docker engine, so the container path itself runs on laptops and CI with Docker;
here the choice is shown with a stand-in for "does Docker answer".
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from petcare_tools.testing import engines
from petcare_tools.testing.engines import CONTAINERS_ENV, EngineChoiceError, choose_engine

KAFKA = "KAFKA_BOOTSTRAP_SERVERS"
POSTGRES = "TEST_POSTGRES_ADMIN_URL"


def docker(answers: bool) -> Callable[[], bool]:
    return lambda: answers


def never_asked() -> bool:
    raise AssertionError("Docker must not be asked when the choice does not depend on it")


@pytest.mark.parametrize("variable", [KAFKA, POSTGRES])
def test_a_configured_server_wins_over_containers_and_docker(variable: str) -> None:
    for wanted in ["always", "never", "auto", ""]:
        env = {variable: "somewhere:9092", CONTAINERS_ENV: wanted}
        assert choose_engine(variable, env, never_asked) == "external"


def test_containers_when_docker_answers_and_nothing_is_set() -> None:
    assert choose_engine(KAFKA, {}, docker(True)) == "container"
    assert choose_engine(POSTGRES, {CONTAINERS_ENV: "auto"}, docker(True)) == "container"


def test_embedded_when_no_docker_engine_answers() -> None:
    assert choose_engine(KAFKA, {}, docker(False)) == "embedded"
    assert choose_engine(POSTGRES, {CONTAINERS_ENV: ""}, docker(False)) == "embedded"


@pytest.mark.parametrize("value", ["never", "0", "false", "NO"])
def test_never_keeps_the_embedded_engines_even_with_docker(value: str) -> None:
    assert choose_engine(KAFKA, {CONTAINERS_ENV: value}, never_asked) == "embedded"


@pytest.mark.parametrize("value", ["always", "1", "true", "Yes"])
def test_always_asks_for_containers_and_says_so_when_docker_is_missing(value: str) -> None:
    assert choose_engine(POSTGRES, {CONTAINERS_ENV: value}, docker(True)) == "container"
    with pytest.raises(EngineChoiceError, match="no Docker engine answers"):
        choose_engine(POSTGRES, {CONTAINERS_ENV: value}, docker(False))


def test_a_misspelt_choice_is_refused() -> None:
    with pytest.raises(EngineChoiceError, match="auto, always or never"):
        choose_engine(KAFKA, {CONTAINERS_ENV: "alwyas"}, docker(True))


def test_an_absent_docker_engine_is_told_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    engines.docker_answers.cache_clear()
    try:
        started = time.monotonic()
        assert engines.docker_answers() is False
        assert time.monotonic() - started < 5
    finally:
        engines.docker_answers.cache_clear()


def test_the_process_choice_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KAFKA, raising=False)
    monkeypatch.setenv(CONTAINERS_ENV, "never")
    assert engines.choose(KAFKA) == "embedded"
    monkeypatch.setenv(KAFKA, "broker:9092")
    assert engines.choose(KAFKA) == "external"


class FakeBroker:
    """Stands in for testcontainers' DockerContainer: records what the Kafka container is given."""

    made: list[FakeBroker] = []

    def __init__(self, image: str) -> None:
        self.image, self.env, self.ports, self.command, self.files = image, {}, [], [], {}
        self.running = False
        FakeBroker.made.append(self)

    def with_envs(self, **env: str) -> FakeBroker:
        self.env.update(env)
        return self

    def with_exposed_ports(self, *ports: int) -> FakeBroker:
        self.ports += ports
        return self

    def with_command(self, command: list[str]) -> FakeBroker:
        self.command = command
        return self

    def __enter__(self) -> FakeBroker:
        self.running = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.running = False

    def get_container_host_ip(self) -> str:
        return "docker-host"

    def get_exposed_port(self, port: int) -> int:
        return 49153

    def copy_into_container(self, content: bytes, destination: str, mode: int = 0o644) -> None:
        self.files[destination] = content.decode()


class FakeLogWait:
    waited: list[FakeBroker] = []

    def __init__(self, message: str) -> None:
        self.message = message

    def with_startup_timeout(self, seconds: int) -> FakeLogWait:
        return self

    def wait_until_ready(self, container: FakeBroker) -> None:
        assert self.message == "Kafka Server started" and container.files, "waits after the start script"
        FakeLogWait.waited.append(container)


def test_the_kafka_container_advertises_the_hosts_mapped_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """The container path without Docker: the start script written after start gives clients the
    host's address and mapped port, and the broker is waited for before the address is handed out."""
    import testcontainers.core.container
    import testcontainers.core.wait_strategies

    monkeypatch.setattr(testcontainers.core.container, "DockerContainer", FakeBroker)
    monkeypatch.setattr(testcontainers.core.wait_strategies, "LogMessageWaitStrategy", FakeLogWait)
    with engines.kafka_container() as address:
        broker = FakeBroker.made[-1]
        assert address == "docker-host:49153" and broker.running
        assert broker.image == engines.KAFKA_IMAGE and broker.ports == [9092]
        assert FakeLogWait.waited == [broker]
        script = next(iter(broker.files.values()))
        assert "KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://docker-host:49153," in script
        assert broker.env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert not broker.running
