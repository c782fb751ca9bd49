"""The dev run's secrets: made once per data folder, never the same on two machines.

Services fall back to fixed development secrets (petcare_kit.settings, the clients and gateway
configs) when none is set, and those are in the source: a token forged with them would open any
dev instance that used them (issue 9, item 13). So `make run` (and `launcher infra`) generate the
secrets the first time a data folder is used, with `secrets.token_urlsafe`, keep them in
`<data-dir>/secrets.env` (mode 0600, `NAME=value` lines) and pass them to every process they
start; the next run on the same folder reads them back, so its sessions and tokens stay valid.
A secret already set in the launcher's environment wins (and is not written to the file).
Production never relies on any of this: its settings refuse the development defaults.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import MutableMapping
from pathlib import Path

FILE_NAME = "secrets.env"
SECRET_NAMES = ("INTERNAL_AUTH_SECRET", "TOKEN_SIGNING_SECRET")
"""Shared by the gateway and the services: identity-header HMAC key, access-token HS256 key."""
SECRET_BYTES = 48
"""Random bytes per secret (64 URL-safe characters): above HS256's 32-byte minimum."""


def secrets_file(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def dev_secrets(data_dir: Path) -> dict[str, str]:
    """The data folder's secrets, `{name: value}` for every name in SECRET_NAMES: read from
    `<data-dir>/secrets.env`, generating (and saving) any that is missing. The file is written
    atomically and only ever readable by its owner (0600). Raises OSError if the folder cannot be
    written."""
    path = secrets_file(data_dir)
    known = _read(path)
    missing = [name for name in SECRET_NAMES if not known.get(name)]
    if missing:
        known.update({name: secrets.token_urlsafe(SECRET_BYTES) for name in missing})
        _write(path, known)
    elif path.stat().st_mode & 0o077:
        path.chmod(0o600)  # someone widened it: secrets stay the owner's
    return {name: known[name] for name in SECRET_NAMES}


def use_dev_secrets(data_dir: Path, environ: MutableMapping[str, str] = os.environ) -> dict[str, str]:
    """Put the data folder's secrets into `environ` (what child processes inherit), except those
    already set there. Returns the secrets in force, `{name: value}`."""
    in_force = {}
    generated: dict[str, str] | None = None
    for name in SECRET_NAMES:
        if environ.get(name):
            in_force[name] = environ[name]
            continue
        generated = generated if generated is not None else dev_secrets(data_dir)
        environ[name] = in_force[name] = generated[name]
    return in_force


def _read(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    values = {}
    for line in path.read_text().splitlines():
        name, separator, value = line.strip().partition("=")
        if separator and not name.startswith("#"):
            values[name.strip()] = value.strip()
    return values


def _write(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write("# Development secrets of this data folder, made by the launcher. Never commit.\n")
            file.writelines(f"{name}={value}\n" for name, value in sorted(values.items()))
        os.chmod(temporary, 0o600)  # os.open's mode is subject to the umask; be explicit
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
