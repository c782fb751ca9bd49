"""The outbox relay alone in its own process, run as a service runs it (`ServiceRuntime.start`):
`OutboxRelay(RelayConfig(...)).run_forever()` with the settings' defaults.

    python -m bench.relay_proc <asyncpg dsn> <bootstrap servers>
"""

from __future__ import annotations

import asyncio
import logging
import sys

from petcare_kit.relay import OutboxRelay, RelayConfig
from petcare_kit.settings import ServiceSettings


async def main(dsn: str, bootstrap_servers: str) -> None:
    settings = ServiceSettings()
    relay = OutboxRelay(RelayConfig(
        dsn=dsn,
        bootstrap_servers=bootstrap_servers,
        client_id="bench-relay",
        batch_size=settings.outbox_batch_size,
        poll_interval_seconds=settings.outbox_poll_interval_seconds,
        retention_days=settings.outbox_retention_days,
        inbox_retention_days=settings.inbox_retention_days,
        purge_interval_seconds=settings.purge_interval_seconds,
    ))
    await relay.run_forever()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(main(sys.argv[1], sys.argv[2]))
