"""`--replicas notifications=3,texting=2`: how many processes of a service a dev run starts (R-SCALE-1).

Replica 1 is the service as `make run` always starts it (its name, its dev port). Replica `n > 1`
is the process `<name>-<n>` on `dev_port + (n - 1) * REPLICA_PORT_STEP` (notifications-2 on 9102,
notifications-3 on 10102), with the same environment and database (migrated once, before replica
1). Replicas share their consumer group, their dispatchers and their outbox relay, as in a cluster.
The gateway keeps routing to replica 1: the others answer on their own ports, and their consumers
and background jobs take their share of the work.
"""

from __future__ import annotations

from petcare_kit.service_spec import ServiceSpec

from petcare_tools.launch.config import LaunchError

REPLICA_PORT_STEP = 1000
MAX_REPLICAS = 9


def parse_replicas(text: str, specs: list[ServiceSpec]) -> dict[str, int]:
    """`"notifications=3,texting=2"` -> `{"notifications": 3, "texting": 2}` for services among
    `specs` (the selected ones). An empty text is `{}` (one process each). Raises LaunchError for a
    malformed item, an unknown or unselected service, or a count outside 1..MAX_REPLICAS."""
    counts: dict[str, int] = {}
    known = {spec.name for spec in specs}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, equals, count = (piece.strip() for piece in item.partition("="))
        if not equals or not count.isdigit():
            raise LaunchError(f"--replicas wants name=count items, comma-separated (notifications=3): {item!r}")
        if name not in known:
            raise LaunchError(f"--replicas names {name!r}, which is not among the started services {sorted(known)}")
        if not 1 <= int(count) <= MAX_REPLICAS:
            raise LaunchError(f"--replicas {name}={count}: between 1 and {MAX_REPLICAS} replicas")
        counts[name] = int(count)
    return counts


def replica_name(spec: ServiceSpec, number: int) -> str:
    """The process (and log file) name of replica `number` (1-based): `notifications`, `notifications-2`."""
    return spec.name if number == 1 else f"{spec.name}-{number}"


def replica_port(spec: ServiceSpec, number: int) -> int:
    """Replica `number`'s port: the dev port for 1, then one REPLICA_PORT_STEP further per replica."""
    return spec.dev_port + (number - 1) * REPLICA_PORT_STEP
