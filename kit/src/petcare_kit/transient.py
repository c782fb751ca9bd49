"""Which failures are worth retrying: the database or broker went away, a lock or serialization
conflict, or a handler saying so (`TransientError`). Which are the caller's bad input seen only by
the database or the driver (a NUL, a number or date out of range): retrying those never helps, and
over HTTP they are a 4xx. Everything else is a bug or a bad message."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
from asyncpg.exceptions import _base as asyncpg_base
from sqlalchemy import exc as sa_exc

from petcare_kit.errors import TransientError

_RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"}
"""serialization failure, deadlock, lock not available, admin shutdown, crash shutdown, cannot connect
now, too many connections."""
_CONFLICT_SQLSTATES = {"23505", "23P01"}
"""unique violation, exclusion violation: another request got there first."""


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, what SQLAlchemy wrapped (`orig`) and what the driver wrapped (`__cause__`)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < 8:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None)
    return state if isinstance(state, str) else None


def is_bad_value(error: BaseException) -> bool:
    """True for input no database can take: SQLSTATE class 22 (data exception: NUL in text, numeric
    or date out of range), the driver refusing to encode an argument (an offset beyond 64 bits, a
    date before year 1 once in UTC), or Python's own OverflowError/UnicodeEncodeError."""
    for link in _chain(error):
        if isinstance(link, asyncpg_base.DataError | OverflowError | UnicodeEncodeError):
            return True
        if (_sqlstate(link) or "").startswith("22"):
            return True
    return False


def is_conflict(error: BaseException) -> bool:
    """True for a unique or exclusion violation: a concurrent request stored the same thing first."""
    return any(_sqlstate(link) in _CONFLICT_SQLSTATES for link in _chain(error))


def is_transient(error: BaseException) -> bool:
    if is_bad_value(error):
        return False  # the driver reports these as interface errors; they are the input's fault
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
