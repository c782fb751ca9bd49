"""What a dev run uses: where its data and logs live, and which ports it prefers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_BROKER_PORT = 19092
DEFAULT_POSTGRES_PORT = 15432
DEFAULT_SENDGRID_PORT = 8025
DEFAULT_TWILIO_PORT = 8026


class LaunchError(RuntimeError):
    """Something the dev run needs did not start; the message says what and shows its log."""


@dataclass(frozen=True)
class Endpoint:
    """One row of the table printed once the run is ready."""

    name: str
    address: str
    note: str = ""


@dataclass(frozen=True)
class LaunchConfig:
    repo_root: Path
    data_dir: Path
    broker_port: int = DEFAULT_BROKER_PORT
    postgres_port: int = DEFAULT_POSTGRES_PORT
    sendgrid_port: int = DEFAULT_SENDGRID_PORT
    twilio_port: int = DEFAULT_TWILIO_PORT

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def postgres_dir(self) -> Path:
        return self.data_dir / "postgres"


def repo_root() -> Path:
    """The repository this (editable) install lives in; the working directory otherwise."""
    candidate = Path(__file__).resolve().parents[4]
    return candidate if (candidate / "Makefile").is_file() and (candidate / "tools").is_dir() else Path.cwd()
