"""One local "today" per test (petcare_tools.testing.local_today says why)."""

from petcare_tools.testing.local_today import one_local_today_per_test

__all__ = ["one_local_today_per_test"]
