"""The company's local date (New York) as service tests see it: read once per test. A service's
`tests/service/conftest.py` pins it when each test starts (`one_local_today_per_test`, autouse), so
every date a test derives from "today" stays the same even when the test runs across local
midnight (dates computed before and after it differed by a day: a visit asked for "in 3 days" was
then not the one found "in 3 days").
The service keeps its own clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

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


@pytest.fixture(autouse=True)
def one_local_today_per_test() -> Iterator[None]:
    """Pins `local_today()` for the test; import it into a conftest to apply it to a folder."""
    with pinned():
        yield
