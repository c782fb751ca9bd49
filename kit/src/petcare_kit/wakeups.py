"""Waking background work the moment PostgreSQL commits rows for it (LISTEN/NOTIFY), with the poll
kept as the fallback.

A trigger (or the writer itself) runs `pg_notify(channel, '')` in the transaction that makes work;
PostgreSQL delivers it at commit, to every connection LISTENing on `channel`, and never for a
transaction rolled back. The worker calls its `wake()` then, instead of waiting for its next poll::

    listener = Listener(dsn, "provider_calls_email", job.wake)
    runtime.add_background_task("email-wakeups", listener.run_forever)

- `listen(connection, channel, wake)`: LISTEN on a connection the caller owns (the outbox relay
  listens on its leader connection).
- `create_notify_trigger(...)`: the trigger, for a migration.
- `Listener`: a connection of its own, kept LISTENing: connects, listens, and calls `wake()` once
  after each (re)connect, as notifications sent while it was not listening are lost; a connection
  that closed or stopped answering (checked every `check_every_seconds`) is replaced, with backoff.
  Database errors are logged and waited out, never raised: the worker's poll covers the gap.

A notification is a hint, not a message: it carries nothing, may be missed (a reconnect) or come
for work another replica has already taken. Workers therefore still find their work with their own
query (claims, SKIP LOCKED) and still poll, less urgently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

import asyncpg

log = logging.getLogger(__name__)


async def listen(connection: asyncpg.Connection, channel: str, wake: Callable[[], None]) -> None:
    """LISTEN on `channel` on `connection`; `wake()` (no arguments, not a coroutine) is called for
    each notification, from the connection's event loop. Raises what asyncpg raises."""
    await connection.add_listener(channel, lambda *_: wake())


class Listener:
    """Keeps a connection to `dsn` (an asyncpg DSN, `postgresql://...`) LISTENing on `channel` and
    calls `wake()` on each notification and after each (re)connect; see the module docstring.
    `listening` is set while the LISTEN is in place (tests wait for it)."""

    def __init__(self, dsn: str, channel: str, wake: Callable[[], None], *, check_every_seconds: float = 30.0,
                 max_backoff_seconds: float = 30.0) -> None:
        self.dsn, self.channel, self.wake = dsn, channel, wake
        self.check_every_seconds, self.max_backoff_seconds = check_every_seconds, max_backoff_seconds
        self.listening = asyncio.Event()

    async def run_forever(self) -> None:
        """Listen until cancelled; never raises anything but `CancelledError`."""
        delay = 0.5
        while True:
            try:
                await self._listen_until_lost()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the poll covers the gap; keep trying
                log.warning("listening on %s interrupted, again in %.1f s: %r", self.channel, delay, error)
            else:
                delay = 0.5
            self.listening.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_backoff_seconds)

    async def _listen_until_lost(self) -> None:
        connection = await asyncpg.connect(self.dsn, timeout=10)
        try:
            lost = asyncio.Event()
            connection.add_termination_listener(lambda *_: lost.set())
            await listen(connection, self.channel, self.wake)
            self.listening.set()
            self.wake()  # what was committed while we were not listening
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), self.check_every_seconds)
                if not lost.is_set():  # a connection cut without a word is noticed here
                    await connection.fetchval("SELECT 1", timeout=10)
            log.warning("the connection listening on %s closed", self.channel)
        finally:
            self.listening.clear()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 5)
            if not connection.is_closed():
                connection.terminate()


def create_notify_trigger(trigger: str, table: str, channel: str, *, when: str, update_of: Sequence[str]) -> list[str]:
    """SQL statements for a migration (`op.execute` each): a row trigger `trigger` on `table` that
    sends a NOTIFY on `channel` after an INSERT, or an UPDATE of the `update_of` columns, of a row
    for which `when` holds (SQL over `NEW.<column>`). PostgreSQL delivers it at commit, once per
    transaction however many rows matched (same channel and payload), never after a rollback. Names
    are plain strings, so a migration keeps them as they were then."""
    return [_NOTIFY_FUNCTION, f"""
CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OF {", ".join(update_of)} ON {table}
FOR EACH ROW WHEN ({when})
EXECUTE FUNCTION notify_channel('{channel}')"""]


def drop_notify_trigger(trigger: str, table: str) -> list[str]:
    """SQL statements undoing `create_notify_trigger` (the shared function too, once unused)."""
    return [f"DROP TRIGGER IF EXISTS {trigger} ON {table}", """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = 'notify_channel')
  THEN DROP FUNCTION IF EXISTS notify_channel();
  END IF;
END $$"""]


_NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION notify_channel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], '');
  RETURN NULL;
END $$"""
