"""`python -m petcare_tools.sandboxes.stripe --port N`: localstripe on 127.0.0.1:N, memory only."""

from __future__ import annotations

import argparse

from .runner import LOCALHOST, serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default=LOCALHOST, choices=[LOCALHOST], help="loopback only")
    args = parser.parse_args()
    serve(args.port, args.host)


if __name__ == "__main__":
    main()
