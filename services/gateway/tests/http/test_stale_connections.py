"""One caller's 500 never breaks another caller's request (issue 9, item 5).

The fake clients service here is a plain HTTP/1.1 server, so that the test decides exactly when a
keep-alive connection dies: after answering a 500 it drops every connection it had open, and a
request that arrives on one of them is closed without an answer (or reset), as uvicorn does when
it closes the connection just after a 500 and the gateway's pool hands it out before the close
arrived. Only a request on a new connection is served.
"""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from petcare_kit.identity import PEOPLE, PUBLIC, Role

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "clients", "version": "1"},
    "paths": {
        "/boom": {"get": {"x-roles": [r.value for r in PEOPLE]}},
        "/pets": {"get": {"x-roles": [r.value for r in PEOPLE]}, "post": {"x-roles": [r.value for r in PEOPLE]}},
        "/sign-up": {"post": {"x-roles": [PUBLIC]}},
        "/internal/sessions/{person_id}": {"get": {"x-roles": [Role.INTERNAL.value]}},
    },
}


class StaleAfterErrorServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *, reset: bool) -> None:
        self.generation = 0
        """Bumped by each 500: connections accepted before it are dead from then on."""
        self.reset = reset
        self.served: Counter[str] = Counter()
        self.dropped = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(socketserver.StreamRequestHandler):
    server: StaleAfterErrorServer

    def handle(self) -> None:
        born = self.server.generation
        while True:
            request_line = self.rfile.readline()
            if not request_line:
                return
            headers = {}
            while (line := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            self.rfile.read(int(headers.get("content-length", 0)))
            if born < self.server.generation:
                self._drop()
                return
            method, target, _ = request_line.decode().split(" ", 2)
            path = target.split("?")[0]
            key = f"{method} {path if not path.startswith('/internal/sessions/') else '/internal/sessions'}"
            with self.server.lock:
                self.server.served[key] += 1
            if path == "/boom":
                self._answer(500, {"error": {"code": "internal_error", "message": "boom", "details": None}})
                self.server.generation += 1
            elif path == "/openapi.json":
                self._answer(200, OPENAPI)
            elif path.startswith("/internal/sessions/"):
                self._answer(200, {"active": True})
            else:
                self._answer(201 if method == "POST" else 200, {"ok": True})

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        head = (f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {len(data)}\r\n"
                "\r\n").encode()
        self.wfile.write(head + data)
        self.wfile.flush()

    def _drop(self) -> None:
        with self.server.lock:
            self.server.dropped += 1
        if self.server.reset:  # RST instead of FIN: the client reads ECONNRESET
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


@pytest.fixture(params=["closed", "reset"])
def stale_clients(request) -> Iterator[StaleAfterErrorServer]:
    server = StaleAfterErrorServer(reset=request.param == "reset")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_after_one_company_gets_a_500_the_next_company_session_check_still_succeeds(
        start_gateway, stale_clients, person):
    gateway = start_gateway({"clients": stale_clients.url})
    first, other = person(Role.ADMIN), person(Role.ADMIN)
    for round_ in range(5):
        assert gateway.get("/api/clients/boom", headers=first.headers()).status_code == 500
        response = gateway.get("/api/clients/pets", headers=other.headers())
        assert response.status_code == 200, (round_, response.text)
    assert stale_clients.dropped >= 5, "the test must really hand the gateway dead connections"
    assert stale_clients.served["GET /pets"] == 5


def test_a_post_on_a_connection_closed_before_it_arrived_is_sent_once_on_a_new_one(
        start_gateway, stale_clients, person):
    gateway = start_gateway({"clients": stale_clients.url})
    for _ in range(3):
        assert gateway.get("/api/clients/boom", headers=person(Role.STAFF).headers()).status_code == 500
        # A public POST: no session check first, so the POST itself meets the dead connection.
        response = gateway.post("/api/clients/sign-up", json={"company": "Paws"})
        assert response.status_code == 201, response.text
    assert stale_clients.dropped >= 3
    assert stale_clients.served["POST /sign-up"] == 3, "each POST reached the service exactly once"
