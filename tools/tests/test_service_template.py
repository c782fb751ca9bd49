"""The service template cannot rot: made into a service under a throwaway name (in a temporary copy
of the repo's layout), it imports, its ServiceSpec, Dockerfile, routes and handler registration are
what the launcher, the deployment check and the gateway expect, ruff and mypy (strict where the rules live)
pass, and its unit tests pass.

The generated package is not installed: a child Python finds it (and the contracts copy holding its
example event) through PYTHONPATH, ahead of the installed contracts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from petcare_tools.new_service import NewServiceError, create_service, sort_imports

ROOT = Path(__file__).resolve().parents[2]
NAME, PORT = "zztemplate", 8998
PLACEHOLDERS = ("newservice", "NewService", "NEWSERVICE", "8999")

CHECKS = textwrap.dedent(f"""
    import asyncio, importlib, pkgutil, sys
    from pathlib import Path

    from petcare_tools.deploy_check import Expected, check_service_dockerfile

    import {NAME}
    for module in pkgutil.walk_packages({NAME}.__path__, "{NAME}."):
        importlib.import_module(module.name)

    from {NAME}.spec import SPEC
    from {NAME}.config import ZztemplateSettings
    from {NAME} import bootstrap
    assert (SPEC.name, SPEC.env_prefix, SPEC.dev_port) == ("{NAME}", "{NAME.upper()}_", {PORT}), SPEC
    module, factory = SPEC.asgi_factory.split(":")
    assert callable(getattr(importlib.import_module(module), factory)), SPEC.asgi_factory
    assert (SPEC.alembic_dir / "env.py").is_file() and (SPEC.alembic_dir / "versions" / "0001_initial.py").is_file()
    settings = ZztemplateSettings()
    assert settings.model_config["env_prefix"] == SPEC.env_prefix and settings.service_name == SPEC.name
    dockerfile = (SPEC.alembic_dir.parent / "Dockerfile").read_text()
    assert check_service_dockerfile("Dockerfile", dockerfile, Expected.from_spec(SPEC)) == []

    bootstrap.build_router(settings).check(bootstrap.CONSUMES)
    async def openapi():  # the runtime's Kafka clients are made inside a running loop
        return bootstrap.create_app(settings).openapi()
    document = asyncio.run(openapi())
    assert set(document["paths"]) - {{"/health", "/ready"}}, "no routes"
    for path, operations in document["paths"].items():
        if path in ("/health", "/ready"):
            continue
        for method, operation in operations.items():
            assert operation.get("x-roles"), f"{{method}} {{path}} declares no roles"
            answers = [a for status, a in operation["responses"].items() if status.startswith("2")]
            assert answers and all("content" in a for a in answers), f"{{method}} {{path}}: no response model"

    import pytest
    sys.exit(pytest.main(["-c", sys.argv[1], "-q", "-p", "no:randomly", "-p", "no:cacheprovider", sys.argv[2]]))
""")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repo layout with a copy of the contracts and the template made into services/zztemplate."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(ROOT / "contracts" / "src", root / "contracts" / "src",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "services").mkdir()
    written = create_service(root, NAME, PORT, templates=ROOT)
    assert sort_imports(written, ROOT / "pyproject.toml")
    return root


# Subprocess timeouts are 600 s: a cold mypy or pytest run on a loaded 2-core machine can take well over a minute;
# they only cost time when something hangs.


def test_the_generated_service_imports_fits_its_spec_and_passes_its_unit_tests(generated: Path) -> None:
    service = generated / "services" / NAME
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(service / "src"), str(generated / "contracts" / "src")])}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    run = subprocess.run([sys.executable, "-c", CHECKS, str(ROOT / "pyproject.toml"), str(service / "tests" / "unit")],
                         cwd=service, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " passed" in run.stdout


def test_the_generated_code_passes_ruff(generated: Path) -> None:
    paths = [generated / "services" / NAME, generated / "contracts" / "src" / "petcare_contracts" / "events"]
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml"),
                          *map(str, paths)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]


def test_its_domain_and_service_layer_pass_mypy_strict(generated: Path, tmp_path: Path) -> None:
    """What the root pyproject's strict override asks of every service's domain/ and service_layer/."""
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nplugins = pydantic.mypy\n")
    paths = [generated / "services" / NAME / "src", generated / "contracts" / "src", ROOT / "kit" / "src"]
    run = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(config), "--strict",
                          "--follow-imports=silent", "--ignore-missing-imports", "--cache-dir", str(tmp_path / "cache"),
                          "-p", f"{NAME}.domain", "-p", f"{NAME}.service_layer"],
                         env={**os.environ, "MYPYPATH": os.pathsep.join(map(str, paths))},
                         cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]


def test_no_placeholder_is_left_and_the_event_is_registered(generated: Path) -> None:
    for path in (generated / "services" / NAME).rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            left = [p for p in PLACEHOLDERS if p in path.read_text() or p in str(path)]
            assert not left, f"{path}: {left}"
    events = generated / "contracts" / "src" / "petcare_contracts" / "events"
    assert f'@event("{NAME}.example.added"' in (events / f"{NAME}.py").read_text()
    assert f", {NAME}  # noqa" in (events / "__init__.py").read_text()


def test_it_refuses_a_taken_port_a_bad_name_and_an_existing_folder(generated: Path) -> None:
    with pytest.raises(NewServiceError, match="clients's dev port"):
        create_service(generated, "other", 8101, templates=ROOT)
    with pytest.raises(NewServiceError, match="lowercase"):
        create_service(generated, "Bad-Name", 8990, templates=ROOT)
    with pytest.raises(NewServiceError, match="exists already"):
        create_service(generated, NAME, PORT, templates=ROOT)
