"""Which failures are worth retrying: the database or broker went away, a lock or serialization
conflict, or a handler saying so (`TransientError`). Everything else is a bug or a bad message."""

from __future__ import annotations

import asyncpg
from sqlalchemy import exc as sa_exc

from petcare_kit.errors import TransientError

_RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"}
"""serialization failure, deadlock, lock not available, admin shutdown, crash shutdown, cannot connect
now, too many connections."""


def is_transient(error: BaseException) -> bool:
    if isinstance(error, TransientError | OSError | TimeoutError | ConnectionError):
        return True
    if isinstance(error, asyncpg.PostgresConnectionError | asyncpg.InterfaceError):
        return True
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.DisconnectionError
                  | sa_exc.TimeoutError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        return getattr(error.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES
    sqlstate = getattr(error, "sqlstate", None)
    return sqlstate in _RETRYABLE_SQLSTATES
