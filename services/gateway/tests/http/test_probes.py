"""What operators and load balancers read: liveness, readiness, metrics."""

from __future__ import annotations


def test_health_and_ready_once_every_service_routes_are_loaded(gateway):
    assert gateway.get("/health").json() == {"status": "ok"}
    assert gateway.get("/ready").json() == {"status": "ready", "services": ["clients", "scheduling"]}


def test_metrics_count_calls_to_each_service(gateway, client_person):
    gateway.get("/api/scheduling/visits", headers=client_person.headers())
    response = gateway.get("/metrics", follow_redirects=False)
    assert response.status_code == 200
    assert 'gateway_upstream_requests_total{outcome="200",service="scheduling"}' in response.text
