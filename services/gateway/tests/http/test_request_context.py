"""The gateway's request context (the kit's, as plain ASGI): ids on every answer, requests counted."""

from __future__ import annotations


def _counted(gateway, route: str, status: int) -> float:  # type: ignore[no-untyped-def]
    for line in gateway.get("/metrics").text.splitlines():
        if line.startswith("http_requests_total{") and f'route="{route}"' in line and f'status="{status}"' in line \
                and 'method="GET"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_forwarded_requests_and_refusals_are_counted_by_route_and_carry_a_request_id(gateway, client_person):
    route = "/api/{service}/{path:path}"
    ok_before, refused_before = _counted(gateway, route, 200), _counted(gateway, route, 401)
    ok = gateway.get(f"/api/clients/clients/{client_person.person_id}", headers=client_person.headers())
    refused = gateway.get(f"/api/clients/clients/{client_person.person_id}")
    assert ok.status_code == 200 and refused.status_code == 401
    assert ok.headers["x-request-id"] and refused.headers["x-request-id"]
    assert ok.headers["x-request-id"] != refused.headers["x-request-id"]
    assert _counted(gateway, route, 200) == ok_before + 1
    assert _counted(gateway, route, 401) == refused_before + 1
