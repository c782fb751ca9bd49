"""Which upstream calls the gateway may send twice (issue 9, item 5)."""

from __future__ import annotations

import aiohttp
from gateway.upstream_calls import _Attempt, _retry_reason, _with_trace, is_idempotent


def test_idempotent_methods_and_keyed_posts_may_be_repeated():
    assert is_idempotent("GET") and is_idempotent("put") and is_idempotent("DELETE")
    assert not is_idempotent("POST") and not is_idempotent("PATCH")
    assert is_idempotent("POST", [("Idempotency-Key", "k-1")])
    assert is_idempotent("POST", {"idempotency-key": "k-1"})
    assert not is_idempotent("POST", [("Idempotency-Key", "")])


def test_a_post_is_sent_again_only_when_it_surely_never_arrived():
    reused, fresh = _Attempt(), _Attempt(opened_connection=True)
    dropped = aiohttp.ServerDisconnectedError()
    refused = aiohttp.ClientConnectorError(None, OSError(111, "refused"))  # type: ignore[arg-type]
    assert _retry_reason(refused, fresh, idempotent=False) == "connect_failed"
    assert _retry_reason(dropped, reused, idempotent=False) == "stale_connection"
    assert _retry_reason(aiohttp.ClientOSError(104, "reset"), reused, idempotent=False) == "stale_connection"
    assert _retry_reason(dropped, fresh, idempotent=False) is None, "a new connection that died: it may have run"
    assert _retry_reason(dropped, _Attempt(answer_started=True), idempotent=False) is None
    assert _retry_reason(dropped, fresh, idempotent=True) == "idempotent"


def test_a_timeout_is_never_repeated():
    assert _retry_reason(TimeoutError(), _Attempt(), idempotent=True) is None
    assert _retry_reason(aiohttp.SocketTimeoutError("slow"), _Attempt(), idempotent=True) is None


def test_the_span_context_replaces_the_one_the_caller_sent():
    caller = [("traceparent", "00-caller-01"), ("Tracestate", "x=1"), ("accept", "a/b")]
    sent = _with_trace(caller, (("traceparent", "00-gateway-01"),))
    assert sent.getall("traceparent") == ["00-gateway-01"] and sent["accept"] == "a/b"
    assert sent["tracestate"] == "x=1"
    assert _with_trace(caller, ()).getall("traceparent") == ["00-caller-01"], "tracing off: passed on"
