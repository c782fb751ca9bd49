"""pytest plugin: a real broker, a real PostgreSQL, fresh databases, unique topics, child processes,
and the provider sandboxes (testing/sandboxes.py). Services under test: testing/service.py (in-process)
and testing/suite.py (as processes).

Enabled by the repo's root conftest.py. One broker and one throw-away PostgreSQL serve the whole
session: KAFKA_BOOTSTRAP_SERVERS and TEST_POSTGRES_ADMIN_URL (a superuser URL) when set, else
testcontainers' Apache Kafka and PostgreSQL when a Docker engine answers (PETCARE_TESTCONTAINERS=
always|never|auto decides instead), else the embedded ones (testing/engines.py). Tests that
use these fixtures get the `infra` marker automatically, so `pytest -m "not infra"` skips them.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from petcare_tools.embedded.broker import EmbeddedBroker
from petcare_tools.embedded.databases import create_fresh_database, drop_database
from petcare_tools.embedded.postgres import EmbeddedPostgres
from petcare_tools.testing import engines
from petcare_tools.testing.processes import ProcessManager
from petcare_tools.testing.sandboxes import receiver, sendgrid_sandbox, stripe_sandbox, twilio_sandbox

__all__ = ["receiver", "sendgrid_sandbox", "stripe_sandbox", "twilio_sandbox"]  # fixtures defined there, enabled here

BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS"
POSTGRES_ENV = "TEST_POSTGRES_ADMIN_URL"
INFRA_FIXTURES = frozenset(
    {"kafka_bootstrap_servers", "embedded_broker", "own_embedded_broker", "postgres_admin_url",
     "embedded_postgres", "database_url", "kafka_container", "postgres_container"}
)
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis without wall-clock checks by default (`HYPOTHESIS_PROFILE` picks another): on a
    2-core machine running two test workers, each beside services of its own, a draw or an example
    can take seconds for reasons that are not the test's (seen: `FailedHealthCheck: Input
    generation is slow` on a billing unit test). The properties and example counts stay as written."""
    from hypothesis import HealthCheck, settings

    settings.register_profile("petcare", deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "petcare"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `infra` before pytest's own hook deselects by `-m`."""
    for item in items:
        if INFRA_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.infra)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so fixture teardown can tell a failed test."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def embedded_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """The session's embedded broker, for tests that must stop or restart it (skipped when
    KAFKA_BOOTSTRAP_SERVERS names a real one). Its log stays in pytest's temporary folder."""
    if os.environ.get(BOOTSTRAP_ENV):
        pytest.skip(f"{BOOTSTRAP_ENV} is set: this test needs the embedded broker")
    with EmbeddedBroker(log_path=tmp_path_factory.mktemp("broker") / "tansu.log") as broker:
        yield broker


@pytest.fixture
def own_embedded_broker(tmp_path: Path) -> Iterator[EmbeddedBroker]:
    """An embedded broker for this test alone, which it may stop and restart (`restart()`: a new,
    empty cluster on the same port) without harming the session's other tests. Skipped when
    KAFKA_BOOTSTRAP_SERVERS names a real broker: such tests need one they can restart."""
    if os.environ.get(BOOTSTRAP_ENV):
        pytest.skip(f"{BOOTSTRAP_ENV} is set: this test needs an embedded broker of its own")
    with EmbeddedBroker(log_path=tmp_path / "tansu.log") as broker:
        yield broker


@pytest.fixture(scope="session")
def kafka_container() -> Iterator[str]:
    """The session's Apache Kafka container (testcontainers): its bootstrap address."""
    with engines.kafka_container() as bootstrap_servers:
        yield bootstrap_servers


@pytest.fixture(scope="session")
def kafka_bootstrap_servers(request: pytest.FixtureRequest) -> str:
    """$KAFKA_BOOTSTRAP_SERVERS, else a Kafka container when Docker answers, else the embedded broker."""
    engine = engines.choose(BOOTSTRAP_ENV)
    if engine == "external":
        return os.environ[BOOTSTRAP_ENV]
    if engine == "container":
        return str(request.getfixturevalue("kafka_container"))
    broker: EmbeddedBroker = request.getfixturevalue("embedded_broker")
    return broker.bootstrap_servers


@pytest.fixture(scope="session")
def embedded_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    """The session's throw-away embedded PostgreSQL (fsync off), in its own temporary folder
    (skipped when TEST_POSTGRES_ADMIN_URL names a real server). Its log stays in pytest's."""
    if os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is set: this test needs the embedded PostgreSQL")
    # The data is not in pytest's tree: that is private to root, and the server may run as another user.
    folder = Path(tempfile.mkdtemp(prefix="petcare-pg-"))
    log_path = tmp_path_factory.mktemp("postgres") / "postgres.log"
    try:
        with EmbeddedPostgres(folder / "data", durable=False, log_path=log_path) as server:
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_container() -> Iterator[str]:
    """The session's PostgreSQL 18 container (testcontainers): its superuser URL."""
    with engines.postgres_container() as admin_url:
        yield admin_url


@pytest.fixture(scope="session")
def postgres_admin_url(request: pytest.FixtureRequest) -> str:
    """A superuser URL (postgresql://...): $TEST_POSTGRES_ADMIN_URL, else a PostgreSQL container when
    Docker answers, else the embedded server's."""
    engine = engines.choose(POSTGRES_ENV)
    if engine == "external":
        return os.environ[POSTGRES_ENV]
    if engine == "container":
        return str(request.getfixturevalue("postgres_container"))
    server: EmbeddedPostgres = request.getfixturevalue("embedded_postgres")
    return server.admin_url


@pytest_asyncio.fixture(loop_scope="session")
async def database_url(postgres_admin_url: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A new empty database owned by its own login (SQLAlchemy asyncpg URL), dropped afterwards."""
    url = await create_fresh_database(postgres_admin_url, request.node.name)
    yield url
    try:
        await drop_database(postgres_admin_url, str(make_url(url).database))
    except Exception as error:  # best effort: a leftover test database harms nobody
        warnings.warn(f"could not drop test database {url}: {error!r}", stacklevel=1)


@pytest.fixture
def unique_topic(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """A factory of topic names unique to this test: `unique_topic("clients.events")`.
    It only names topics; the test creates them with the partitions it wants."""
    test_name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name)[:60].strip("-")

    def make(base: str = "topic") -> str:
        return f"{base}.{test_name}.{uuid.uuid4().hex[:8]}"

    return make


@pytest.fixture
def processes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProcessManager]:
    """Child processes run from the repo root, logging under the test's tmp_path; all are
    stopped afterwards, and when the test failed their log tails are printed."""
    manager = ProcessManager(log_dir=tmp_path / "processes", cwd=request.config.rootpath)
    try:
        yield manager
    finally:
        reports = request.node.stash.get(_REPORTS, {})
        if any(report.failed for report in reports.values()):
            print(f"\n{manager.log_tails()}")
        manager.stop_all()
