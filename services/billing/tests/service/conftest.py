"""One local "today" per test (local_today.py says why)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .local_today import pinned


@pytest.fixture(autouse=True)
def one_local_today_per_test() -> Iterator[None]:
    with pinned():
        yield
