"""Which Kafka and PostgreSQL the tests use: a configured server, a testcontainers one, or embedded.

The pytest fixtures (testing/fixtures.py) ask `choose_engine` once per session for each engine:

1. the variable naming an external server wins (`KAFKA_BOOTSTRAP_SERVERS`, `TEST_POSTGRES_ADMIN_URL`);
2. else `PETCARE_TESTCONTAINERS`: `always` (or 1/true/yes) starts containers and fails when no Docker
   engine answers, `never` (or 0/false/no) keeps the embedded engines;
3. else (unset or `auto`) containers when a Docker engine answers, the embedded engines otherwise.

The containers run the images docker-compose.yml runs (Apache Kafka in KRaft mode, PostgreSQL 18),
so a laptop or CI with Docker tests on the real engines without any setting; a machine without
Docker (or without the `testcontainers` package) runs the embedded ones as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Literal

Engine = Literal["external", "container", "embedded"]
CONTAINERS_ENV = "PETCARE_TESTCONTAINERS"
KAFKA_IMAGE = "apache/kafka:4.3.1"
POSTGRES_IMAGE = "postgres:18.6"
_ALWAYS = {"always", "1", "true", "yes"}
_NEVER = {"never", "0", "false", "no"}
_START_SCRIPT = "/tmp/petcare-start.sh"


class EngineChoiceError(RuntimeError):
    """PETCARE_TESTCONTAINERS asks for containers where no Docker engine answers, or has a bad value."""


def choose_engine(configured_variable: str, env: Mapping[str, str], docker_answers: Callable[[], bool]) -> Engine:
    """Where one engine of the tests comes from (rules in the module docstring).

    `configured_variable` names the external server's variable; `docker_answers` is only called
    when the choice depends on it. Raises EngineChoiceError for `always` without an engine, or for a
    value of PETCARE_TESTCONTAINERS that is none of the above.
    """
    if env.get(configured_variable):
        return "external"
    wanted = env.get(CONTAINERS_ENV, "auto").strip().lower() or "auto"
    if wanted in _NEVER:
        return "embedded"
    if wanted in _ALWAYS:
        if not docker_answers():
            raise EngineChoiceError(f"{CONTAINERS_ENV}={env[CONTAINERS_ENV]} but no Docker engine answers")
        return "container"
    if wanted != "auto":
        raise EngineChoiceError(f"{CONTAINERS_ENV} must be auto, always or never, not {env[CONTAINERS_ENV]!r}")
    return "container" if docker_answers() else "embedded"


@cache
def docker_answers() -> bool:
    """True when testcontainers is installed and its Docker engine (DOCKER_HOST, its own settings,
    the default socket) answers a ping. Asked once per process; a missing socket fails at once."""
    try:
        from testcontainers.core.docker_client import DockerClient

        return bool(DockerClient(timeout=5).client.ping())
    except Exception:  # no package, no socket, no daemon, refused: all mean "use the embedded ones"
        return False


def choose(configured_variable: str) -> Engine:
    """`choose_engine` for this process's environment and Docker engine."""
    return choose_engine(configured_variable, os.environ, docker_answers)


@contextmanager
def postgres_container() -> Iterator[str]:
    """A throw-away PostgreSQL 18 container; yields its superuser URL (postgresql://...)."""
    from testcontainers.community.postgres import PostgresContainer

    with PostgresContainer(POSTGRES_IMAGE, username="postgres", password="postgres", dbname="postgres",
                           driver=None) as server:
        yield server.get_connection_url()


@contextmanager
def kafka_container() -> Iterator[str]:
    """A throw-away Apache Kafka broker (KRaft, one node, the compose image); yields its bootstrap
    address as the host sees it.

    The address a client is sent back must be the host's mapped port, known only once the container
    runs: the container waits for a start script, which is written after start with that address
    (what testcontainers-java does for this image). Clients connect on PLAINTEXT; the broker talks to
    itself on BROKER and to its controller on CONTROLLER, both inside the container.
    """
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    settings = {
        "CLUSTER_ID": "xZTuqvtjSdm2Ts5qhv_q_w",  # any 22-character base64 UUID; the compose default
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9094",
        "KAFKA_LISTENERS": "PLAINTEXT://:9092,BROKER://:9093,CONTROLLER://:9094",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "BROKER",
        # As the compose file: topics only as the services create them, one copy of everything.
        "KAFKA_LOG_DIRS": "/tmp/kraft-combined-logs",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
    }
    wait_for_script = f"while [ ! -f {_START_SCRIPT} ]; do sleep 0.1; done; exec sh {_START_SCRIPT}"
    container = DockerContainer(KAFKA_IMAGE).with_envs(**settings).with_exposed_ports(9092)
    with container.with_command(["sh", "-c", wait_for_script]) as broker:
        address = f"{broker.get_container_host_ip()}:{broker.get_exposed_port(9092)}"
        advertised = f"PLAINTEXT://{address},BROKER://localhost:9093"
        script = f"export KAFKA_ADVERTISED_LISTENERS={advertised}\nexec /etc/kafka/docker/run\n"
        broker.copy_into_container(script.encode(), _START_SCRIPT, mode=0o755)
        LogMessageWaitStrategy("Kafka Server started").with_startup_timeout(120).wait_until_ready(broker)
        yield address
