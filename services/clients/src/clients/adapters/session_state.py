"""The one read behind the gateway's session check, at the cost of one database round trip.

The gateway asks on every authenticated request whether the caller's session still holds
(R-INACT-2: nothing may be cached), so this read runs as often as every other request together,
and must cost far less than the reads it guards. Through the unit of work it cost four round trips
for one indexed row (the pool's pre-ping, BEGIN, SELECT, ROLLBACK) and SQLAlchemy's compilation.
Here it is a single statement outside any transaction (autocommit: it sees every committed
deactivation at once), on a small asyncpg pool of its own that neither pings on checkout nor
resets on release (nothing here changes session state), prepared once per connection (asyncpg's
statement cache): Bind/Execute/Sync, one round trip.

A connection PostgreSQL dropped (a restart, `pg_terminate_backend`) fails the read; it is tried
once more on a new connection (the pool's connections are expired), and a second failure is
raised to the caller (answered 503, or 500 if not a database outage; the gateway fails closed).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from uuid import UUID

import asyncpg
from petcare_kit.db import asyncpg_dsn

POOL_MIN_SIZE = 1
POOL_MAX_SIZE = 4
"""Each read is one short round trip, so a few connections serve many concurrent checks."""
ATTEMPTS = 2

SESSION_STATE_SQL = """
SELECT a.session_version, coalesce(s.active, c.active, false) AS active
FROM accounts a
LEFT JOIN staff s ON a.person_kind = 'staff' AND s.id = a.person_id
LEFT JOIN clients c ON a.person_kind = 'client' AND c.id = a.person_id
WHERE a.person_id = $1
"""
"""The same account, role row and active flag as `accounts._account_query`, two columns only."""



@dataclass(frozen=True)
class SessionState:
    """What decides whether a token's session holds: the account's current `session_version`
    (bumped by a password reset or "sign out everywhere") and whether the person is active."""

    session_version: int
    active: bool


async def _no_reset(_: asyncpg.Connection) -> None:
    """Release without `RESET ALL` & co.: the read changes no session state (one round trip saved)."""


class SessionStates:
    """`await states.of(person_id)`: the person's SessionState, or None without an account.

    The pool opens on the first read (the service is ready by then: the runtime waited for the
    database) and closes with `close()`. Raises asyncpg/OS errors when the database cannot answer.
    """

    def __init__(self, database_url: str, *, max_size: int = POOL_MAX_SIZE) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def of(self, person_id: UUID) -> SessionState | None:
        pool = self._pool or await self._open()
        for attempt in range(1, ATTEMPTS + 1):
            try:
                row = await pool.fetchrow(SESSION_STATE_SQL, person_id)
            except Exception:
                # One fixed read-only statement: whatever failed is the connection (closed, the
                # server's FATAL, or a protocol left mid-message by it), not the request. The failed
                # connection may not look closed yet and its idle siblings likely died with it (a
                # restart), so every pooled connection is replaced on its next use.
                if attempt == ATTEMPTS:
                    raise
                await pool.expire_connections()
                continue
            return SessionState(row["session_version"], row["active"]) if row is not None else None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _open(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(self._dsn, min_size=POOL_MIN_SIZE, max_size=self._max_size,
                                                       reset=_no_reset)
            return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()
