"""The embedded PostgreSQL: logins and databases, data that survives a restart, clean stops."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psutil
import pytest
from petcare_tools.embedded.databases import create_fresh_database, drop_database
from petcare_tools.embedded.postgres import EmbeddedPostgres
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.infra


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Not tmp_path: under root the server runs as another user, who cannot enter pytest's tree.
    folder = Path(tempfile.mkdtemp(prefix="petcare-pg-test-"))
    yield folder / "data"
    shutil.rmtree(folder, ignore_errors=True)


def plain(url: str) -> str:
    """asyncpg takes postgresql://, not SQLAlchemy's postgresql+asyncpg://."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def server_tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


async def test_data_survives_restart_and_stop_leaves_no_process(data_dir: Path) -> None:
    server = EmbeddedPostgres(data_dir)
    try:
        server.start()
        url = await server.ensure_database("kennel")
        assert url == f"postgresql+asyncpg://kennel:kennel@127.0.0.1:{server.port}/kennel"
        assert await server.ensure_database("kennel") == url  # idempotent
        conn = await asyncpg.connect(plain(url))
        await conn.execute("CREATE TABLE pets (name text); INSERT INTO pets VALUES ('Rex')")
        await conn.close()
        assert server.pid is not None
        tree = server_tree(server.pid)
    finally:
        server.stop()
    assert len(tree) > 3  # postmaster, checkpointer, writer, ...
    assert not any(process.is_running() for process in tree)

    again = EmbeddedPostgres(data_dir)  # another port, same data
    try:
        again.start()
        conn = await asyncpg.connect(plain(await again.ensure_database("kennel")))
        assert await conn.fetchval("SELECT name FROM pets") == "Rex"
        await conn.close()
    finally:
        again.stop()


async def test_a_server_left_running_is_replaced(data_dir: Path) -> None:
    forgotten = EmbeddedPostgres(data_dir, durable=False)
    forgotten.start()  # as if its launcher had been killed with -9
    successor = EmbeddedPostgres(data_dir, durable=False)
    try:
        successor.start()
        assert forgotten.pid is not None and not psutil.pid_exists(forgotten.pid)
        conn = await asyncpg.connect(successor.admin_url)
        assert await conn.fetchval("SELECT 1") == 1
        await conn.close()
    finally:
        successor.stop()
        forgotten.stop()


async def test_database_url_is_fresh_and_owned_by_its_own_login(
    database_url: str, postgres_admin_url: str, request: pytest.FixtureRequest
) -> None:
    url = make_url(database_url)
    assert url.username == url.database and url.database != "postgres"
    conn = await asyncpg.connect(plain(database_url))
    try:
        assert await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
        await conn.execute("CREATE TABLE visits (id int)")  # the login may create tables
    finally:
        await conn.close()
    assert request.node.get_closest_marker("infra") is not None


async def test_dropped_database_takes_its_login_and_connections(postgres_admin_url: str) -> None:
    url = await create_fresh_database(postgres_admin_url, "drop me")
    name = str(make_url(url).database)
    assert name.startswith("drop_me_")
    holder = await asyncpg.connect(plain(url))  # an open connection does not block the drop
    await drop_database(postgres_admin_url, name)
    await holder.close()
    admin = await asyncpg.connect(postgres_admin_url)
    try:
        assert not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        assert not await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name)
    finally:
        await admin.close()


def test_database_url_serves_sync_tests_too(database_url: str) -> None:
    assert database_url.startswith("postgresql+asyncpg://")
