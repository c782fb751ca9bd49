"""Reading a parsed docker-compose.yml the way Compose does: environment, commands, builds, ports.

Plain functions over the dicts `yaml.safe_load` returns (anchors and `<<` merges already resolved),
used by `petcare_tools.deploy_check`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MIGRATION_MODULE = "petcare_kit.migrations"
_SERVICE_DOCKERFILE = re.compile(r"^services/([a-z][a-z0-9_]*)/Dockerfile$")
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
_INIT_LIST = re.compile(r"^SERVICE_DATABASES=\(([^)]*)\)", re.MULTILINE)


def interpolate(value: str, *, required: str | None = None) -> str:
    """The value Compose would use with an empty environment: `${X:-d}` → `d`, `${X}` → `X`.

    `${X:?message}` (a variable that must be set) becomes `required` when given, else `X`.
    """

    def replace(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        if operator in {"-", ":-"}:
            return argument
        return required if operator in {"?", ":?"} and required is not None else name

    return _INTERPOLATION.sub(replace, value)


def container_environment(block: Mapping[str, Any], *, required: str) -> dict[str, str]:
    """The environment a container of `block` gets when the shell sets only the required variables
    (to `required`): defaults applied, pass-through entries without a value left out."""
    raw = block.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.partition("=")[::2] if "=" in item else (item, None) for item in map(str, raw))
    present = {str(key): str(value) for key, value in raw.items() if value is not None}
    return {key: interpolate(value, required=required) for key, value in present.items()}


def environment_of(block: Mapping[str, Any]) -> dict[str, str]:
    """A block's `environment:` (mapping or `KEY=VALUE` list) as a dict of raw strings."""
    raw = block.get("environment") or {}
    if isinstance(raw, list):
        pairs = (str(item).partition("=") for item in raw)
        return {key: value for key, _, value in pairs}
    return {str(key): "" if value is None else str(value) for key, value in raw.items()}


def command_of(block: Mapping[str, Any]) -> list[str]:
    command = block.get("command") or []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def dockerfile_of(block: Mapping[str, Any], root: Path) -> Path | None:
    build = block.get("build")
    if build is None:
        return None
    if isinstance(build, str):
        build = {"context": build}
    context = root / str(build.get("context", "."))
    return (context / str(build.get("dockerfile", "Dockerfile"))).resolve()


def depends_on(block: Mapping[str, Any]) -> dict[str, str]:
    """`depends_on` as {service: condition}; the list form means service_started."""
    raw = block.get("depends_on") or {}
    if isinstance(raw, list):
        return {str(name): "service_started" for name in raw}
    return {str(name): str((spec or {}).get("condition", "service_started")) for name, spec in raw.items()}


def migration_target(block: Mapping[str, Any]) -> str | None:
    """The service a block migrates (`python -m petcare_kit.migrations upgrade --service X`)."""
    command = command_of(block)
    if MIGRATION_MODULE not in command or "--service" not in command:
        return None
    index = command.index("--service") + 1
    return command[index] if index < len(command) else None


def service_identity(block: Mapping[str, Any], root: Path) -> str | None:
    """The petcare service a block runs: the <name> of the `services/<name>/Dockerfile` it builds."""
    dockerfile = dockerfile_of(block, root)
    if dockerfile is None:
        return None
    try:
        relative = dockerfile.relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    match = _SERVICE_DOCKERFILE.match(relative)
    return match.group(1) if match else None


def init_script_databases(script: str) -> set[str]:
    """The names in the init script's `SERVICE_DATABASES=(...)` list."""
    match = _INIT_LIST.search(script)
    return set(match.group(1).split()) if match else set()


def container_ports(block: Mapping[str, Any]) -> set[int]:
    ports: set[int] = set()
    for entry in [*(block.get("expose") or []), *(block.get("ports") or [])]:
        if isinstance(entry, Mapping):
            raw = str(entry.get("target", ""))
        else:
            raw = interpolate(str(entry)).split(":")[-1]
        raw = raw.split("/")[0]
        if raw.isdigit():
            ports.add(int(raw))
    return ports
