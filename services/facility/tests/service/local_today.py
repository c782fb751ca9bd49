"""The company's local date (New York) as these tests see it: read once per test. The autouse
fixture in this folder's conftest pins it when the test starts, so every date a test derives from
"today" stays the same even when the test runs across local midnight (dates computed before and
after it differed by a day: a visit asked for "in 3 days" was then not the one found "in 3 days").
The service keeps its own clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
_pinned: date | None = None


def local_today() -> date:
    """Today in New York: the date pinned for the running test, else (outside a test) the current one."""
    return _pinned if _pinned is not None else datetime.now(NY).date()


@contextmanager
def pinned() -> Iterator[date]:
    """Pin today's New York date until the block ends; yields it."""
    global _pinned
    _pinned = datetime.now(NY).date()
    try:
        yield _pinned
    finally:
        _pinned = None
