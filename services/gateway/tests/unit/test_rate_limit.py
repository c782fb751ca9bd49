"""The per-replica token bucket behind `x-rate-limit: auth`."""

from __future__ import annotations

from gateway import rate_limit
from gateway.rate_limit import TokenBucketLimiter, retry_after_header


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_n_attempts_pass_then_the_wait_until_the_next_one_is_told():
    clock = Clock()
    limiter = TokenBucketLimiter(10, clock=clock)
    assert [limiter.try_take(("ip", "login")) for _ in range(10)] == [None] * 10
    wait = limiter.try_take(("ip", "login"))
    assert wait is not None and 5.9 < wait <= 6.0  # 10 a minute: one every 6 s
    assert retry_after_header(wait) == "6"


def test_attempts_come_back_as_time_passes():
    clock = Clock()
    limiter = TokenBucketLimiter(10, clock=clock)
    for _ in range(10):
        limiter.try_take(("ip",))
    clock.now += 6.0
    assert limiter.try_take(("ip",)) is None
    assert limiter.try_take(("ip",)) is not None


def test_addresses_and_routes_are_counted_apart():
    limiter = TokenBucketLimiter(1, clock=Clock())
    assert limiter.try_take(("a", "login")) is None
    assert limiter.try_take(("a", "login")) is not None
    assert limiter.try_take(("b", "login")) is None
    assert limiter.try_take(("a", "reset")) is None


def test_memory_stays_bounded_under_a_flood_of_addresses(monkeypatch):
    monkeypatch.setattr(rate_limit, "MAX_TRACKED_KEYS", 100)
    clock = Clock()
    limiter = TokenBucketLimiter(10, clock=clock)
    for n in range(100):
        limiter.try_take((f"ip{n}",))
    clock.now += 61  # every bucket has refilled: nothing worth remembering
    limiter.try_take(("newcomer",))
    assert len(limiter._buckets) == 1
