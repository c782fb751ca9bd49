"""Start a service from the template: `python -m petcare_tools.new_service <name> --port <port>`.

Copies `templates/service/` to `services/<name>/`, turning the placeholders into the service's
names (`newservice` → `<name>`, `NewService` → `<Name>`, `NEWSERVICE` → `<NAME>`, port `8999` →
`<port>`), and puts the template's example event in `contracts/src/petcare_contracts/events/<name>.py`
(a new module, imported by `events/__init__.py`; or appended to the module when the service's
contracts exist already). Then it sorts the new files' imports (ruff) and prints what is left to do
by hand. docs/adding-a-service.md walks through the result. Nothing is overwritten: an existing
`services/<name>/` stops it.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from petcare_kit.service_spec import installed_services

from petcare_tools.launch.config import repo_root

TEMPLATE_DIR = Path("templates") / "service"
CONTRACT_TEMPLATE = Path("templates") / "contracts" / "events.py"
EVENTS_PACKAGE = Path("contracts") / "src" / "petcare_contracts" / "events"
TOPICS_MODULE = Path("contracts") / "src" / "petcare_contracts" / "topics.py"
EXAMPLE_MARKER = "# ---- the template's example"
PLACEHOLDER_PORT = "8999"
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]{1,30}")
SKIPPED = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


class NewServiceError(Exception):
    """The service cannot be made as asked; nothing was written."""


@dataclass(frozen=True)
class Names:
    """The placeholders of the template and what they become."""

    name: str
    port: int

    def apply(self, text: str) -> str:
        text = text.replace("NEWSERVICE", self.name.upper()).replace("NewService", self.name.capitalize())
        return text.replace("newservice", self.name).replace(PLACEHOLDER_PORT, str(self.port))


def create_service(root: Path, name: str, port: int, *, templates: Path | None = None) -> list[Path]:
    """Write `services/<name>/` and its contracts under the repository `root`, from the templates of
    the repository `templates` (default: `root`); returns the files written or changed. Raises
    NewServiceError for a bad name, a port another installed service uses, or an existing folder."""
    if not NAME_PATTERN.fullmatch(name):
        raise NewServiceError(f"{name!r}: a service name is 2-31 lowercase letters and digits, starting with a letter")
    if not 1024 <= port <= 65535:
        raise NewServiceError(f"port {port}: use a free port between 1024 and 65535")
    taken = {spec.dev_port: spec.name for spec in installed_services() if spec.name != name}
    if port in taken:
        raise NewServiceError(f"port {port} is {taken[port]}'s dev port; taken: {sorted(taken)}")
    target = root / "services" / name
    if target.exists():
        raise NewServiceError(f"{target} exists already")
    names, templates = Names(name, port), templates or root
    written = _copy_template(templates / TEMPLATE_DIR, target, names)
    written += _write_contract(root, templates, names)
    return written


def _copy_template(source: Path, target: Path, names: Names) -> list[Path]:
    written = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if SKIPPED.intersection(relative.parts) or path.suffix == ".pyc" or path.is_dir():
            continue
        destination = target / names.apply(str(relative))
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(names.apply(path.read_text()))
        shutil.copymode(path, destination)
        written.append(destination)
    return written


def _write_contract(root: Path, templates: Path, names: Names) -> list[Path]:
    """The example event in the service's contracts module (new, or appended to the existing one)."""
    template = names.apply((templates / CONTRACT_TEMPLATE).read_text())
    module = root / EVENTS_PACKAGE / f"{names.name}.py"
    if not module.exists():
        module.write_text(template)
        return [module, *_import_in_events_package(root / EVENTS_PACKAGE / "__init__.py", names.name)]
    existing = module.read_text()
    if "class ExampleAdded(" in existing:
        return []
    example = template[template.index(EXAMPLE_MARKER):]
    module.write_text(existing.rstrip("\n") + "\n\n\n" + example)
    return [module]


def _import_in_events_package(init: Path, name: str) -> list[Path]:
    """Add the module to `from petcare_contracts.events import ...` (importing it registers its events)."""
    text = init.read_text()
    line = re.search(r"^from petcare_contracts\.events import ([\w, ]+?)(\s*#.*)?$", text, re.MULTILINE)
    if line is None:
        text += f"from petcare_contracts.events import {name}  # noqa: F401\n"
    else:
        modules = sorted({*(m.strip() for m in line.group(1).split(",")), name})
        text = text[:line.start()] + f"from petcare_contracts.events import {', '.join(modules)}{line.group(2) or ''}" \
            + text[line.end():]
    init.write_text(text)
    return [init]


def sort_imports(paths: list[Path], config: Path) -> bool:
    """The service's name sorts differently from the placeholder's among other imports; ruff's
    import sorting puts them back in order. False when ruff is not installed here."""
    if importlib.util.find_spec("ruff") is None:
        return False
    python_files = [str(path) for path in paths if path.suffix == ".py"]
    command = [sys.executable, "-m", "ruff", "check", "--fix", "--select", "I", "--quiet", "--config", str(config)]
    subprocess.run([*command, *python_files], check=False, capture_output=True, timeout=120, cwd=config.parent)
    return True


def next_steps(root: Path, names: Names) -> list[str]:
    topics = (root / TOPICS_MODULE).read_text() if (root / TOPICS_MODULE).exists() else ""
    steps = []
    if f'"{names.name}.events"' not in topics:
        steps.append(f"add Topic(\"{names.name}.events\", ...) to {TOPICS_MODULE}")
    steps += [
        "make install            (installs the new package: the launcher finds it by its entry point)",
        "make schemas            (exports the example event's JSON Schema; commit it with the code)",
        f".venv/bin/python -m pytest services/{names.name} -q",
        f"docker-compose.yml: a `{names.name}-migrate` and a `{names.name}` block, its URL under x-database-urls,"
        f" GATEWAY_SERVICES; deploy/postgres/init/10-service-databases.sh: {names.name} in SERVICE_DATABASES",
        f"pyproject.toml [tool.mypy]: strict on services/{names.name}/src/{names.name}/domain and service_layer",
        "then rename the example (Example, ExampleAdded, R-EXAMPLE-1) into your first real aggregate",
    ]
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m petcare_tools.new_service", description=__doc__.split("\n")[0])
    parser.add_argument("name", help="the service's name: lowercase letters and digits (scheduling)")
    parser.add_argument("--port", type=int, required=True, help="its dev port (ServiceSpec.dev_port), unused so far")
    parser.add_argument("--root", type=Path, default=None,
                        help="where to write (default: this checkout, whose templates/ are used)")
    args = parser.parse_args(argv)
    templates = repo_root()
    root = (args.root or templates).resolve()
    try:
        written = create_service(root, args.name, args.port, templates=templates)
    except NewServiceError as error:
        print(f"new_service: {error}", file=sys.stderr)
        return 2
    sorted_ok = sort_imports(written, templates / "pyproject.toml")
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    if not sorted_ok:
        print(f"ruff is not installed here: run `ruff check --fix --select I services/{args.name}`")
    print("next:")
    for step in next_steps(root, Names(args.name, args.port)):
        print(f"  - {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
