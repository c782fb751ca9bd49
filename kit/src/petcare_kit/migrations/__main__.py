"""`python -m petcare_kit.migrations upgrade --service <name>`: migrate one service's database to head.

The database URL comes from the service's settings variable, `<PREFIX>DATABASE_URL`."""

from __future__ import annotations

import argparse
import os
import sys

from petcare_kit.migrations.runner import upgrade_to_head
from petcare_kit.service_spec import installed_services


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m petcare_kit.migrations")
    parser.add_argument("action", choices=["upgrade"])
    parser.add_argument("--service", required=True)
    args = parser.parse_args(argv)
    specs = {spec.name: spec for spec in installed_services()}
    spec = specs.get(args.service)
    if spec is None or spec.alembic_dir is None:
        print(f"no service {args.service!r} with migrations; installed: {sorted(specs)}", file=sys.stderr)
        return 2
    variable = f"{spec.env_prefix}DATABASE_URL"
    url = os.environ.get(variable)
    if not url:
        print(f"{variable} is not set", file=sys.stderr)
        return 2
    upgrade_to_head(spec.alembic_dir, url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
