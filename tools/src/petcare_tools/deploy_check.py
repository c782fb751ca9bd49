"""Checks of the deployment files that need no Docker: `python -m petcare_tools.deploy_check`.

`docker-compose.yml`, the Dockerfiles it builds and the PostgreSQL init script must agree with the
code: every installed service has a block serving its `dev_port` with the app factory of its
`ServiceSpec`, reads the settings names the kit reads, has its migration step and its database;
images are pinned and nothing is published beyond 127.0.0.1. Each check returns a list of
problems (empty: all good), so a test can feed it broken documents and see it complain.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petcare_kit.service_spec import ServiceSpec, installed_services

from petcare_tools.compose_file import (
    MIGRATION_MODULE,
    container_ports,
    depends_on,
    dockerfile_of,
    environment_of,
    init_script_databases,
    interpolate,
    migration_target,
    service_identity,
)

COMPOSE_FILE = "docker-compose.yml"
INIT_SCRIPT = "deploy/postgres/init/10-service-databases.sh"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass(frozen=True)
class Expected:
    """What the checks know about one service: from its ServiceSpec, else from the repo."""

    name: str
    env_prefix: str
    needs_database: bool
    port: int | None = None
    asgi_factory: str | None = None

    @classmethod
    def from_spec(cls, spec: ServiceSpec) -> Expected:
        return cls(spec.name, spec.env_prefix, spec.needs_database, spec.dev_port, spec.asgi_factory)


def check_image_reference(where: str, image: str) -> list[str]:
    """An image names an explicit tag (or digest) other than `latest`."""
    resolved = interpolate(image)
    if "@sha256:" in resolved:
        return []
    last = resolved.rsplit("/", 1)[-1]
    if ":" not in last:
        return [f"{where}: image {image!r} has no tag (pin one, e.g. name:1.2.3)"]
    if last.rsplit(":", 1)[1] in {"", "latest"}:
        return [f"{where}: image {image!r} uses the moving tag 'latest' (pin a version)"]
    return []


def check_ports(where: str, block: Mapping[str, Any]) -> list[str]:
    """Published ports bind 127.0.0.1 on the host, never every interface."""
    problems = []
    for entry in block.get("ports") or []:
        if isinstance(entry, Mapping):
            host_ip = str(entry.get("host_ip", ""))
        else:
            parts = interpolate(str(entry)).split(":")
            host_ip = ":".join(parts[:-2]) if len(parts) >= 3 else ""
        if host_ip not in LOOPBACK:
            problems.append(
                f"{where}: port {entry!r} is published on every interface; use '127.0.0.1:HOST:CONTAINER'"
            )
    return problems


def check_dockerfile(where: str, path: Path, expected: Expected | None) -> list[str]:
    """Base images pinned; for a service image, also what `check_service_dockerfile` checks."""
    text = path.read_text()
    arguments = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", text, re.MULTILINE))
    stages = {stage.lower() for stage in re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, re.MULTILINE | re.I)}
    problems = []
    for image in re.findall(r"^FROM\s+(?:--\S+\s+)*(\S+)", text, re.MULTILINE):
        image = re.sub(r"\$\{?(\w+)\}?", lambda m: arguments.get(m.group(1), m.group(0)), image)
        if image.lower() not in stages:
            problems += check_image_reference(f"{where}: {path} FROM", image)
    if expected is not None:
        problems += check_service_dockerfile(f"{where}: {path}", text, expected)
    return problems


def check_service_dockerfile(where: str, text: str, expected: Expected) -> list[str]:
    """Non-root, HEALTHCHECK on /ready, CMD serving the spec's factory on its port = PORT = EXPOSE."""
    problems = []
    if re.search(r"^USER\s+(?!root\b|0\b)\S+", text, re.MULTILINE) is None:
        problems.append(f"{where} does not switch to a non-root USER")
    if not re.search(r"^HEALTHCHECK\b[^\n]*(?:\\\n[^\n]*)*/ready", text, re.MULTILINE):
        problems.append(f"{where} has no HEALTHCHECK on /ready")
    try:
        argv = [str(arg) for arg in json.loads(re.findall(r"^CMD\s+(\[.*\])\s*$", text, re.MULTILINE)[-1])]
    except (IndexError, ValueError):
        argv = []
    if argv[:2] != ["uvicorn", "--factory"] or len(argv) < 3:
        return [*problems, f'{where} CMD is not ["uvicorn", "--factory", "<module>:create_app", ...]']
    port = argv[argv.index("--port") + 1] if "--port" in argv[:-1] else None
    if expected.asgi_factory and argv[2] != expected.asgi_factory:
        problems.append(f"{where} serves {argv[2]}, the ServiceSpec says {expected.asgi_factory}")
    if expected.port is not None and port != str(expected.port):
        problems.append(f"{where} CMD serves port {port}, the ServiceSpec dev_port is {expected.port}")
    env_port = re.search(r"\bPORT=(\d+)", text)
    if env_port is None or env_port.group(1) != port:
        problems.append(f"{where} sets PORT (read by the healthcheck) unlike its CMD --port {port}")
    if port not in re.findall(r"^EXPOSE\s+(\d+)", text, re.MULTILINE):
        problems.append(f"{where} does not EXPOSE its CMD --port {port}")
    return problems


def check_service(
    name: str, block: Mapping[str, Any], services: Mapping[str, Any], expected: Expected, databases: set[str]
) -> list[str]:
    """The wiring of one petcare service block."""
    where = f"service {name!r}"
    env = environment_of(block)
    problems = []
    if not env.get("KAFKA_BOOTSTRAP_SERVERS"):
        problems.append(f"{where}: KAFKA_BOOTSTRAP_SERVERS is not set")
    if env.get("ENVIRONMENT") != "production":
        problems.append(f"{where}: ENVIRONMENT must be 'production' (is {env.get('ENVIRONMENT')!r})")
    if not env.get("INTERNAL_AUTH_SECRET", "").startswith("${INTERNAL_AUTH_SECRET:?"):
        problems.append(
            f"{where}: INTERNAL_AUTH_SECRET must come from the environment: ${{INTERNAL_AUTH_SECRET:?...}}"
        )
    if str(block.get("restart", "no")) == "no":
        problems.append(f"{where}: no restart policy (restart: unless-stopped)")
    healthcheck = block.get("healthcheck") or {}
    if "/ready" not in " ".join(map(str, healthcheck.get("test") or [])):
        problems.append(f"{where}: no healthcheck on /ready")
    if expected.port is not None and expected.port not in container_ports(block):
        problems.append(f"{where}: does not expose its port {expected.port} (expose: or ports:)")
    if expected.needs_database:
        problems += check_database_wiring(name, block, services, expected, databases)
    return problems


def check_database_wiring(
    name: str, block: Mapping[str, Any], services: Mapping[str, Any], expected: Expected, databases: set[str]
) -> list[str]:
    where = f"service {name!r}"
    variable = f"{expected.env_prefix}DATABASE_URL"
    url = environment_of(block).get(variable)
    problems = []
    if not url:
        problems.append(f"{where}: {variable} is not set")
    elif not re.fullmatch(rf"postgresql\+asyncpg://{name}:[^@]+@postgres:5432/{name}", url):
        problems.append(
            f"{where}: {variable} should be postgresql+asyncpg://{name}:<pw>@postgres:5432/{name}"
        )
    migrations = [
        other
        for other, condition in depends_on(block).items()
        if condition == "service_completed_successfully"
        and migration_target(services.get(other) or {}) == name
    ]
    if not migrations:
        problems.append(
            f"{where}: depends on no migration step (a one-shot `python -m {MIGRATION_MODULE} upgrade "
            f"--service {name}` with condition service_completed_successfully)"
        )
    for other in migrations:
        migration = services[other]
        if environment_of(migration).get(variable) != url:
            problems.append(f"migration {other!r}: {variable} differs from the service's")
        if str(migration.get("restart", "no")) not in {"no", "on-failure"}:
            problems.append(f'migration {other!r}: a one-shot step must not restart (restart: "no")')
    if name not in databases:
        problems.append(f"{where}: no database {name!r} in {INIT_SCRIPT} (SERVICE_DATABASES)")
    password = f"{name.upper()}_DB_PASSWORD"
    if url and f"${{{password}" not in url:
        problems.append(f"{where}: the password in {variable} should come from ${{{password}:-...}}")
    if password not in environment_of(services.get("postgres") or {}):
        problems.append(f"postgres: {password} is not passed to the init script (service {name!r})")
    return problems


def check_infrastructure(services: Mapping[str, Any]) -> list[str]:
    problems = []
    kafka = services.get("kafka")
    if kafka is None:
        problems.append("no 'kafka' block")
    elif environment_of(kafka).get("KAFKA_AUTO_CREATE_TOPICS_ENABLE") != "false":
        problems.append("kafka: KAFKA_AUTO_CREATE_TOPICS_ENABLE must be 'false' (services create topics)")
    postgres = services.get("postgres")
    if postgres is None:
        return [*problems, "no 'postgres' block"]
    volumes = [str(volume) for volume in postgres.get("volumes") or []]
    if not any(volume.split(":")[1:2] == ["/docker-entrypoint-initdb.d"] for volume in volumes):
        problems.append("postgres: the init script folder is not mounted at /docker-entrypoint-initdb.d")
    if any(volume.split(":")[1:2] == ["/var/lib/postgresql/data"] for volume in volumes):
        problems.append("postgres: PostgreSQL 18 images keep data under /var/lib/postgresql; mount that")
    return problems


def check_compose(
    compose: Any, *, root: Path, specs: Sequence[ServiceSpec] = (), databases: Iterable[str] = ()
) -> list[str]:
    """Every problem of a parsed compose document, for the repo at `root` and the installed specs."""
    if not isinstance(compose, Mapping) or not isinstance(compose.get("services"), Mapping):
        return ["docker-compose.yml has no 'services' mapping"]
    services: Mapping[str, Any] = compose["services"]
    database_names = set(databases)
    by_spec = {spec.name: Expected.from_spec(spec) for spec in specs}
    problems = check_infrastructure(services)
    seen: set[str] = set()
    for name, block in services.items():
        if not isinstance(block, Mapping):
            problems.append(f"service {name!r}: not a mapping")
            continue
        block_problems, served = _check_block(name, block, services, root, by_spec, database_names)
        problems += block_problems
        seen.update(served)
    for spec in specs:
        if spec.name not in seen:
            problems.append(
                f"installed service {spec.name!r} has no block in docker-compose.yml "
                f"(build services/{spec.name}/Dockerfile, port {spec.dev_port})"
            )
        if spec.needs_database and spec.name not in database_names:
            problems.append(f"installed service {spec.name!r}: no database in {INIT_SCRIPT}")
    return problems


def _check_block(
    name: str,
    block: Mapping[str, Any],
    services: Mapping[str, Any],
    root: Path,
    by_spec: Mapping[str, Expected],
    databases: set[str],
) -> tuple[list[str], set[str]]:
    """One block's problems, and the petcare service it runs (if any)."""
    where = f"service {name!r}"
    problems = check_ports(where, block)
    dockerfile = dockerfile_of(block, root)
    if block.get("image") is not None:
        problems += check_image_reference(where, str(block["image"]))
    elif dockerfile is None:
        problems.append(f"{where}: neither image nor build")
    if dockerfile is None:
        return problems, set()
    identity = service_identity(block, root)
    expected = None
    if identity is not None and migration_target(block) is None:
        expected = by_spec.get(identity) or Expected(
            identity, f"{identity.upper()}_", _has_database(identity, block, services, root)
        )
    if not dockerfile.is_file():
        problems.append(f"{where}: builds {dockerfile}, which does not exist")
    else:
        problems += check_dockerfile(where, dockerfile, expected)
    if expected is None:
        return problems, set()
    return problems + check_service(name, block, services, expected, databases), {expected.name}


def _has_database(name: str, block: Mapping[str, Any], services: Mapping[str, Any], root: Path) -> bool:
    """For a service not installed here: it has a database if the repo or its block says so."""
    if (root / "services" / name / "alembic").is_dir():
        return True
    if any(key.endswith("DATABASE_URL") for key in environment_of(block)):
        return True
    return any(migration_target(services.get(other) or {}) == name for other in depends_on(block))


def check_repo(root: Path, specs: Sequence[ServiceSpec] | None = None) -> list[str]:
    """Check the repo's own docker-compose.yml against the services installed in this environment."""
    import yaml  # a dev requirement (requirements-dev.txt), not one of the tools' runtime dependencies

    compose_path = root / COMPOSE_FILE
    script = root / INIT_SCRIPT
    try:
        compose = yaml.safe_load(compose_path.read_text())
        databases = init_script_databases(script.read_text())
    except (OSError, yaml.YAMLError) as error:
        return [f"cannot read the deployment files: {error}"]
    specs = installed_services() if specs is None else specs
    return check_compose(compose, root=root, specs=specs, databases=databases)


def main(argv: Sequence[str] | None = None) -> int:
    """Check the repo at the given folder (default: the working directory); exit 1 on any problem."""
    args = sys.argv[1:] if argv is None else list(argv)
    problems = check_repo(Path(args[0]) if args else Path.cwd())
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)" if problems else "deployment files: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
