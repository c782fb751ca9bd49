"""The dev launcher: `python -m petcare_tools.launcher run` (what `make run` calls) and `infra`.

`run` starts the embedded broker and PostgreSQL (or uses KAFKA_BOOTSTRAP_SERVERS and
POSTGRES_ADMIN_URL), the provider sandboxes, then every installed service with its own database
and migrations; it prints where everything listens and runs until Ctrl-C or SIGTERM, which stop
services first, then the sandboxes, the broker and the database, and exit 0. If any child dies
on its own, the launcher reports it with its log tail, stops everything and exits 1.
`--replicas notifications=3,texting=2` (or PETCARE_REPLICAS) starts more processes of a service
sharing its database and consumer group (R-SCALE-1); see launch.replicas for names and ports.

`infra` starts only the broker and the database, creates the installed services' databases, and
prints the environment to export for running a service by hand.

Database data lives in `<data-dir>/postgres` and survives runs; the broker is memory-only. The
run's secrets are made once per data folder (`<data-dir>/secrets.env`, see launcher_secrets).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from petcare_kit.service_spec import installed_services
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from petcare_tools.launch import config as defaults
from petcare_tools.launch.config import Endpoint, LaunchConfig, LaunchError, repo_root
from petcare_tools.launch.infra import BOOTSTRAP_ENV, POSTGRES_ADMIN_ENV, Infrastructure
from petcare_tools.launch.lifecycle import serve
from petcare_tools.launch.replicas import parse_replicas
from petcare_tools.launch.services import database_env, select
from petcare_tools.launch.stack import DevStack
from petcare_tools.launcher_secrets import secrets_file, use_dev_secrets

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.split("\n")[0])
# Output piped to a file or a test is not wrapped at 80 columns: URLs stay whole.
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)

DataDir = Annotated[
    Path | None,
    typer.Option(envvar="PETCARE_DATA_DIR", help="Database data and logs (default: <repo>/.data)."),
]
BrokerPort = Annotated[int, typer.Option(help="Preferred broker port; a free one if busy; 0: any.")]
PostgresPort = Annotated[int, typer.Option(help="Preferred PostgreSQL port; a free one if busy; 0: any.")]


def _config(data_dir: Path | None, **ports: int) -> LaunchConfig:
    root = repo_root()
    return LaunchConfig(repo_root=root, data_dir=(data_dir or root / ".data").resolve(), **ports)


@app.command()
def run(
    data_dir: DataDir = None,
    broker_port: BrokerPort = defaults.DEFAULT_BROKER_PORT,
    postgres_port: PostgresPort = defaults.DEFAULT_POSTGRES_PORT,
    sendgrid_port: Annotated[
        int, typer.Option(help="SendGrid sandbox port.")
    ] = defaults.DEFAULT_SENDGRID_PORT,
    twilio_port: Annotated[int, typer.Option(help="Twilio sandbox port.")] = defaults.DEFAULT_TWILIO_PORT,
    services: Annotated[str, typer.Option(help="`all`, `none`, or names: clients,billing.")] = "all",
    replicas: Annotated[str, typer.Option(
        envvar="PETCARE_REPLICAS",
        help="Processes per service, e.g. notifications=3,texting=2 (one consumer group each; replica n "
             "on the dev port + (n-1)*1000; the gateway routes to replica 1).")] = "",
) -> None:
    """Start the whole suite; Ctrl-C stops it."""
    config = _config(
        data_dir,
        broker_port=broker_port,
        postgres_port=postgres_port,
        sendgrid_port=sendgrid_port,
        twilio_port=twilio_port,
    )
    try:
        selected = select(installed_services(), services)
        counts = parse_replicas(replicas, selected)
    except LaunchError as error:
        console.print(f"[bold red]{escape(str(error))}[/]", highlight=False)
        raise typer.Exit(2) from None
    use_dev_secrets(config.data_dir)  # every child inherits them
    stack = DevStack(config, selected, say=_say, replicas=counts)

    def ready() -> None:
        console.print(_table(stack.endpoints, config))
        console.print("[bold green]petcare suite ready[/] (Ctrl-C stops it)")

    raise typer.Exit(serve(console, stack.start, stack.failures, stack.stop, on_ready=ready))


@app.command()
def infra(
    data_dir: DataDir = None,
    broker_port: BrokerPort = defaults.DEFAULT_BROKER_PORT,
    postgres_port: PostgresPort = defaults.DEFAULT_POSTGRES_PORT,
) -> None:
    """Start only the broker and the database, and print the environment to export."""
    config = _config(data_dir, broker_port=broker_port, postgres_port=postgres_port)
    servers = Infrastructure(config)
    exports: dict[str, str] = dict(use_dev_secrets(config.data_dir))  # services run by hand need them too

    def start() -> None:
        servers.start()
        exports.update({BOOTSTRAP_ENV: servers.bootstrap_servers, POSTGRES_ADMIN_ENV: servers.admin_url})
        for spec in installed_services():
            if spec.needs_database:
                exports.update(database_env(spec, servers.ensure_database(spec.name)))

    def ready() -> None:
        console.print(_table(servers.endpoints(), config))
        for name, value in exports.items():
            console.print(f"export {name}={value}", highlight=False, markup=False)
        console.print("# then: python -m petcare_kit.migrations upgrade --service <name>", markup=False)
        console.print("[bold green]infrastructure ready[/] (Ctrl-C stops it)")

    raise typer.Exit(serve(console, start, servers.failures, servers.stop, on_ready=ready))


def _say(message: str) -> None:
    console.print(f"[dim]›[/] {escape(message)}", highlight=False)


def _table(endpoints: list[Endpoint], config: LaunchConfig) -> Table:
    table = Table(title="petcare dev run", title_justify="left")
    for column in ("what", "where", "notes"):
        table.add_column(column, overflow="fold")
    for endpoint in endpoints:
        table.add_row(escape(endpoint.name), escape(endpoint.address), escape(endpoint.note))
    table.add_row("logs", escape(str(config.logs_dir)), "one file per process")
    table.add_row("secrets", escape(str(secrets_file(config.data_dir))), "made once for this data folder")
    return table


if __name__ == "__main__":
    app()
