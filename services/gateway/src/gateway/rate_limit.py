"""A first line against password guessing: a token bucket per client IP per log-in/reset route.

Operations marked `x-rate-limit: auth` (log-in, password reset, activation requests) get
`GATEWAY_AUTH_RATE_LIMIT_PER_MINUTE` attempts per minute per IP per route, refilled smoothly.

This limit lives in each replica's memory, so behind N replicas an IP gets up to N times the
limit. That is by design: it needs no shared store and stops a single noisy source cheaply. The
authoritative limit, per account, is the clients service's, kept in its database and therefore
shared by all its replicas. The client IP is the one uvicorn resolved (set
FORWARDED_ALLOW_IPS to the load balancer so X-Forwarded-For is trusted from it alone).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_TRACKED_KEYS = 100_000
"""Above this, buckets that have refilled are dropped, so memory stays bounded under a flood of IPs."""


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(max(per_minute, 1))
        self.refill_per_second = self.capacity / 60.0
        self.clock = clock
        self._buckets: dict[tuple[str, ...], _Bucket] = {}

    def try_take(self, key: tuple[str, ...]) -> float | None:
        """Take one attempt for `key`; None if allowed, else the seconds until the next is allowed."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_KEYS:
                self._forget_refilled(now)
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.refill_per_second)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return (1.0 - bucket.tokens) / self.refill_per_second

    def _forget_refilled(self, now: float) -> None:
        full_after = self.capacity / self.refill_per_second
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.updated < full_after}


def retry_after_header(seconds: float) -> str:
    """Whole seconds, rounded up: a client that waits that long will be let in."""
    return str(max(1, math.ceil(seconds)))
