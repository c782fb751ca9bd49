"""docker-compose.yml, the Dockerfiles and the PostgreSQL init script agree with the code.

No Docker needed: `petcare_tools.deploy_check` reads the files and the installed ServiceSpecs. The
second half feeds it broken documents, to show that each check does fail when it should.
"""

from __future__ import annotations

import copy
import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from petcare_kit.service_spec import ServiceSpec, installed_services
from petcare_kit.settings import ServiceSettings
from petcare_tools.compose_file import (
    container_environment,
    environment_of,
    init_script_databases,
    migration_target,
    service_identity,
)
from petcare_tools.deploy_check import COMPOSE_FILE, INIT_SCRIPT, check_compose, check_repo
from pydantic import AliasChoices

ROOT = Path(__file__).resolve().parents[2]
# The services the lead is writing now, as their specs are planned to read.
CLIENTS = ServiceSpec(
    "clients", "clients.bootstrap:create_app", "CLIENTS_", 8101, alembic_dir=Path("alembic")
)
GATEWAY = ServiceSpec("gateway", "gateway.bootstrap:create_app", "GATEWAY_", 8080, start_order=90)


def load_compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / COMPOSE_FILE).read_text())


def databases() -> set[str]:
    return init_script_databases((ROOT / INIT_SCRIPT).read_text())


def problems_after(change: Callable[[dict[str, Any]], None]) -> list[str]:
    """The checker's report on the real compose document after `change` broke a copy of it."""
    compose = copy.deepcopy(load_compose())
    change(compose["services"])
    return check_compose(compose, root=ROOT, specs=[], databases=databases())


def test_the_compose_file_is_yaml_with_infrastructure_and_the_first_services() -> None:
    services = load_compose()["services"]
    assert {"kafka", "postgres", "twilio-sandbox", "sendgrid-sandbox", "clients", "gateway"} <= set(services)
    assert environment_of(services["clients"])["ENVIRONMENT"] == "production"


def test_the_deployment_files_have_no_problem_for_the_installed_services() -> None:
    assert check_repo(ROOT) == [], [spec.name for spec in installed_services()]


def test_the_deployment_files_fit_the_planned_clients_and_gateway_specs() -> None:
    compose = load_compose()
    assert check_compose(compose, root=ROOT, specs=[CLIENTS, GATEWAY], databases=databases()) == []


def settings_classes(spec: ServiceSpec) -> list[type[ServiceSettings]]:
    """The ServiceSettings subclasses in `<name>.config` (STYLE.md: one settings class per service)."""
    module = importlib.import_module(f"{spec.name}.config")
    classes = [value for value in vars(module).values() if isinstance(value, type)]
    return [cls for cls in classes if issubclass(cls, ServiceSettings) and cls.__module__ == module.__name__]


def setting_names(settings: type[ServiceSettings]) -> set[str]:
    """Every environment name the class reads: `<PREFIX><FIELD>` and its shared aliases."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    names = set()
    for field_name, field in settings.model_fields.items():
        names.add(f"{prefix}{field_name}".upper())
        alias = field.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias] if alias else []
        names |= {str(choice).upper() for choice in choices}
    return names


@pytest.mark.parametrize("spec", installed_services(), ids=lambda spec: spec.name)
def test_each_installed_service_accepts_its_compose_environment_in_production(
    spec: ServiceSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its settings load, production checks included, from what the compose block gives it (each
    required `${X:?...}` secret set to a long random-looking value, as an operator would)."""
    blocks = [
        block
        for block in load_compose()["services"].values()
        if service_identity(block, ROOT) == spec.name and migration_target(block) is None
    ]
    assert blocks, f"no block for {spec.name}"
    classes = settings_classes(spec)
    assert classes, f"{spec.name}.config defines no ServiceSettings subclass"
    for settings in classes:
        for name in list(os.environ):
            if name.upper() in setting_names(settings):
                monkeypatch.delenv(name)
        for name, value in container_environment(blocks[0], required="s" * 48).items():
            monkeypatch.setenv(name, value)
        loaded = settings()
        assert loaded.environment == "production"


def test_every_planned_database_service_has_a_database_and_a_password() -> None:
    postgres_env = environment_of(load_compose()["services"]["postgres"])
    planned = {"clients", "scheduling", "facility", "billing", "texting", "notifications"}
    assert planned <= databases()
    assert {f"{name.upper()}_DB_PASSWORD" for name in planned} <= set(postgres_env)


def _build(services: dict[str, Any], name: str, dockerfile: str) -> None:
    services[name]["build"] = {"context": ".", "dockerfile": dockerfile}


def _drop_env(name: str, variable: str) -> Callable[[dict[str, Any]], None]:
    return lambda services: services[name]["environment"].pop(variable)


def _set_env(name: str, variable: str, value: str) -> Callable[[dict[str, Any]], None]:
    return lambda services: services[name]["environment"].__setitem__(variable, value)


BROKEN: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "a service without its Dockerfile": (
        lambda s: s.__setitem__(
            "nowhere", {**s["clients"], "build": {"dockerfile": "services/nowhere/Dockerfile"}}
        ),
        "services/nowhere/Dockerfile, which does not exist",
    ),
    "a build pointing at a missing Dockerfile": (
        lambda s: _build(s, "sendgrid-sandbox", "tools/Dockerfile.missing"),
        "which does not exist",
    ),
    "no broker address": (
        _drop_env("clients", "KAFKA_BOOTSTRAP_SERVERS"),
        "KAFKA_BOOTSTRAP_SERVERS is not set",
    ),
    "a development environment": (
        _set_env("gateway", "ENVIRONMENT", "development"),
        "ENVIRONMENT must be 'production'",
    ),
    "no internal secret": (_drop_env("gateway", "INTERNAL_AUTH_SECRET"), "INTERNAL_AUTH_SECRET must come"),
    "a hard-coded internal secret": (
        _set_env("clients", "INTERNAL_AUTH_SECRET", "hunter2"),
        "INTERNAL_AUTH_SECRET must come",
    ),
    "no database URL": (_drop_env("clients", "CLIENTS_DATABASE_URL"), "CLIENTS_DATABASE_URL is not set"),
    "a database URL to another database": (
        _set_env("clients", "CLIENTS_DATABASE_URL", "postgresql+asyncpg://billing:pw@postgres:5432/billing"),
        "CLIENTS_DATABASE_URL should be",
    ),
    "no migration step": (
        lambda s: s["clients"]["depends_on"].pop("clients-migrate"),
        "depends on no migration step",
    ),
    "a migration step the service does not wait for": (
        lambda s: s["clients"]["depends_on"].__setitem__("clients-migrate", {"condition": "service_started"}),
        "depends on no migration step",
    ),
    "a login password the init script does not get": (
        _drop_env("postgres", "CLIENTS_DB_PASSWORD"),
        "CLIENTS_DB_PASSWORD is not passed to the init script",
    ),
    "a migration step that restarts": (
        lambda s: s["clients-migrate"].__setitem__("restart", "always"),
        "must not restart",
    ),
    "an image on latest": (lambda s: s["kafka"].__setitem__("image", "apache/kafka:latest"), "'latest'"),
    "an untagged image": (lambda s: s["postgres"].__setitem__("image", "postgres"), "has no tag"),
    "a port on every interface": (
        lambda s: s["gateway"].__setitem__("ports", ["8080:8080"]),
        "published on every interface",
    ),
    "a port on 0.0.0.0": (
        lambda s: s["kafka"].__setitem__("ports", ["0.0.0.0:9094:9094"]),
        "published on every interface",
    ),
    "no restart policy": (lambda s: s["gateway"].pop("restart"), "no restart policy"),
    "no readiness healthcheck": (lambda s: s["clients"].pop("healthcheck"), "no healthcheck on /ready"),
    "topics created automatically": (
        _set_env("kafka", "KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true"),
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE",
    ),
    "the PostgreSQL 17 data path": (
        lambda s: s["postgres"].__setitem__(
            "volumes", ["pg:/var/lib/postgresql/data", *s["postgres"]["volumes"][1:]]
        ),
        "mount that",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_checker_reports_a_broken_compose_document(case: str) -> None:
    change, expected = BROKEN[case]
    problems = problems_after(change)
    assert any(expected in problem for problem in problems), problems


def test_the_checker_reports_an_installed_service_without_a_block() -> None:
    nowhere = ServiceSpec("nowhere", "nowhere.bootstrap:create_app", "NOWHERE_", 8198, alembic_dir=Path("a"))
    problems = check_compose(load_compose(), root=ROOT, specs=[nowhere], databases=databases())
    assert any("installed service 'nowhere' has no block" in problem for problem in problems), problems


def test_the_checker_reports_a_database_service_missing_from_the_init_script() -> None:
    problems = check_compose(load_compose(), root=ROOT, specs=[CLIENTS], databases={"billing"})
    assert any("no database 'clients'" in problem for problem in problems), problems


def test_the_checker_reports_a_dockerfile_serving_another_port_or_app() -> None:
    moved = ServiceSpec("clients", "clients.app:make", "CLIENTS_", 8199, alembic_dir=Path("alembic"))
    problems = check_compose(load_compose(), root=ROOT, specs=[moved], databases=databases())
    assert any("dev_port is 8199" in problem for problem in problems), problems
    assert any("does not expose its port 8199" in problem for problem in problems), problems
    assert any("the ServiceSpec says clients.app:make" in problem for problem in problems), problems


def test_the_checker_reports_a_document_without_services(tmp_path: Path) -> None:
    assert check_compose({"volumes": {}}, root=tmp_path) == ["docker-compose.yml has no 'services' mapping"]


def test_the_checker_reports_a_dockerfile_that_runs_as_root_on_an_unpinned_base(tmp_path: Path) -> None:
    dockerfile = tmp_path / "services" / "clients" / "Dockerfile"
    dockerfile.parent.mkdir(parents=True)
    command = '["uvicorn", "--factory", "clients.bootstrap:create_app", "--port", "8101"]'
    dockerfile.write_text(f"FROM python\nENV PORT=8101\nEXPOSE 8000\nCMD {command}\n")
    problems = check_compose(load_compose(), root=tmp_path, specs=[CLIENTS], databases=databases())
    clients_problems = [problem for problem in problems if "services/clients/Dockerfile" in problem]
    for expected in ["has no tag", "non-root USER", "no HEALTHCHECK on /ready", "does not EXPOSE"]:
        assert any(expected in problem for problem in clients_problems), (expected, problems)
    assert any("tools/Dockerfile, which does not exist" in problem for problem in problems), problems
