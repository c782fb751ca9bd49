"""One trace from a POST at the gateway to the email at the SendGrid sandbox, as real processes on
the real broker, exported over OTLP (http/protobuf) to a receiver this test runs on 127.0.0.1.

Adding a client with the activation email (the README's walk-through): the gateway's server span,
its call up to clients, clients' server span, the outbox relay's `send clients.events`, notifications'
`process clients.events` and its `email send` to the SendGrid sandbox (and the `notifications.email.sent`
it publishes) are one trace, each span the child of the one before it (issue 14, Tracing;
docs/observability.md)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span as SpanMessage

from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    kind: int
    trace_id: str
    span_id: str
    parent_id: str
    attributes: dict[str, Any]


class OtlpReceiver:
    """The smallest OTLP/HTTP trace receiver: POST /v1/traces with an ExportTraceServiceRequest."""

    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self.requests = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                status = 404
                if self.path == "/v1/traces" and self.headers.get("content-type") == "application/x-protobuf":
                    receiver.take(ExportTraceServiceRequest.FromString(body))
                    status = 200
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(status)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="otlp-receiver", daemon=True)

    def take(self, request: ExportTraceServiceRequest) -> None:
        received = []
        for resource_spans in request.resource_spans:
            service = next((a.value.string_value for a in resource_spans.resource.attributes
                            if a.key == "service.name"), "")
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    received.append(ReceivedSpan(
                        service, span.name, span.kind, span.trace_id.hex(), span.span_id.hex(),
                        span.parent_span_id.hex(), {a.key: _value(a.value) for a in span.attributes}))
        with self._lock:
            self.requests += 1
            self.spans.extend(received)

    def trace(self, trace_id: str) -> list[ReceivedSpan]:
        with self._lock:
            return [s for s in self.spans if s.trace_id == trace_id]


def _value(value: Any) -> Any:
    return getattr(value, value.WhichOneof("value")) if value.WhichOneof("value") else None


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    receiver = OtlpReceiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
    receiver.thread.join(5)


def otel_env(receiver: OtlpReceiver) -> dict[str, str]:
    """The standard variables a deployment sets; a short batch delay so spans arrive while we wait."""
    return {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_BSP_SCHEDULE_DELAY": "200"}


async def wait_for_mail(sendgrid: str, address: str, timeout: float = 120) -> dict:
    """The first email to `address`: a deadline, not a wait (notifications may lag behind a busy
    machine's backlog; the activation may wait for its company in the waiting room)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            body = (await http.get(f"{sendgrid}/sandbox/messages", params={"to": address})).json()
            mails = body["messages"] if isinstance(body, dict) else body
            if mails:
                return dict(mails[0])
            await asyncio.sleep(0.2)
    raise AssertionError(f"no email to {address} after {timeout}s")


def _path(span: ReceivedSpan) -> str:
    return str(span.attributes.get("url.path") or span.attributes.get("http.target") or "")


def find(spans: list[ReceivedSpan], **wanted: Any) -> list[ReceivedSpan]:
    return [s for s in spans if all(getattr(s, k) == v for k, v in wanted.items())]


async def the_trace(receiver: OtlpReceiver, trace_id_of: Any, complete: Any, stray: Any,
                    timeout: float = 120) -> list:
    """The spans of the trace `trace_id_of(all spans)` names, once `complete(spans)` holds. Fails at
    once when a span `stray(span)` names arrives in another trace (a link lost on the way), and after
    `timeout` seconds otherwise: a deadline, not a wait. Exporters batch and retry with back-off, so
    on a loaded CI machine a span can arrive tens of seconds after the email (seen: over 30 s)."""
    deadline = time.monotonic() + timeout
    spans: list[ReceivedSpan] = []
    while time.monotonic() < deadline:
        everything = list(receiver.spans)
        trace_id = trace_id_of(everything)
        spans = receiver.trace(trace_id) if trace_id else []
        if spans and complete(spans):
            return spans
        lost = [s for s in everything if stray(s) and trace_id and s.trace_id != trace_id]
        assert not lost, f"{lost[0].service} {lost[0].name} is in another trace ({lost[0].trace_id}) than the POST's"
        await asyncio.sleep(0.3)
    raise AssertionError(f"the trace is not complete after {timeout}s ({receiver.requests} exports received): " +
                         "\n".join(f"{s.service} {s.name} kind={s.kind} {s.span_id}<-{s.parent_id}" for s in spans))


async def test_one_trace_from_a_post_at_the_gateway_to_the_email_at_the_sandbox(
        processes, kafka_bootstrap_servers, postgres_admin_url, receiver):
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    traced = otel_env(receiver)
    sendgrid = await suite.start_sandbox("sendgrid")
    await suite.start("clients", **traced)
    await suite.start("notifications", SENDGRID_HOST=sendgrid, SENDGRID_API_KEY="SG.suite", **traced)
    gateway = await suite.start_gateway(**traced)

    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        signed_up = await http.post("/api/clients/signup", json={
            "company_name": "Trace Paws", "admin": {"first_name": "A", "last_name": "Admin",
                                                    "email": "admin@tracepaws.com", "password": PASSWORD}})
        assert signed_up.status_code == 201, signed_up.text
        admin = {"authorization": f"Bearer {signed_up.json()['tokens']['access_token']}"}
        added = await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Tia", "last_name": "Traced", "emails": ["tia@example.com"], "send_activation_email": True})
        assert added.status_code == 201, added.text
    activation = await wait_for_mail(sendgrid, "tia@example.com")
    assert "Trace Paws" in activation["subject"]

    def post_at_the_gateway(spans: list[ReceivedSpan]) -> str | None:
        roots = [s for s in find(spans, service="gateway", kind=SpanMessage.SPAN_KIND_SERVER)
                 if _path(s) == "/api/clients/clients" and s.attributes.get("http.request.method",
                                                                            s.attributes.get("http.method")) == "POST"]
        return roots[0].trace_id if roots else None

    def complete(spans: list[ReceivedSpan]) -> bool:  # down to the relay's send of notifications.email.sent
        emails = find(spans, service="notifications", kind=SpanMessage.SPAN_KIND_CLIENT, name="email send")
        return bool(emails) and any(s.parent_id == emails[0].span_id for s in spans)

    def email_send(span: ReceivedSpan) -> bool:
        return (span.service, span.name, span.kind) == ("notifications", "email send", SpanMessage.SPAN_KIND_CLIENT)

    spans = await the_trace(receiver, post_at_the_gateway, complete, stray=email_send)
    by_id = {s.span_id: s for s in spans}

    def parent(span: ReceivedSpan) -> ReceivedSpan:
        assert span.parent_id in by_id, f"{span.service} {span.name}: its parent is not in the trace"
        return by_id[span.parent_id]

    # the email's call, up its parents to the POST at the gateway: one trace, linked all the way
    [email] = find(spans, service="notifications", kind=SpanMessage.SPAN_KIND_CLIENT, name="email send")
    [sent_event] = [s for s in spans if s.parent_id == email.span_id]  # what the accepted call publishes
    assert (sent_event.name, sent_event.kind) == ("send notifications.events", SpanMessage.SPAN_KIND_PRODUCER)
    process = parent(email)
    assert (process.service, process.name, process.kind) == (
        "notifications", "process clients.events", SpanMessage.SPAN_KIND_CONSUMER)
    assert process.attributes["messaging.consumer.group.name"].startswith("notifications")
    sent = parent(process)
    assert (sent.service, sent.name, sent.kind) == ("clients", "send clients.events", SpanMessage.SPAN_KIND_PRODUCER)
    clients_request = parent(sent)
    assert (clients_request.service, clients_request.kind) == ("clients", SpanMessage.SPAN_KIND_SERVER)
    assert _path(clients_request) == "/clients"
    gateway_call = parent(clients_request)
    assert (gateway_call.service, gateway_call.kind) == ("gateway", SpanMessage.SPAN_KIND_CLIENT)
    gateway_request = parent(gateway_call)
    assert (gateway_request.service, gateway_request.kind) == ("gateway", SpanMessage.SPAN_KIND_SERVER)
    assert _path(gateway_request) == "/api/clients/clients" and gateway_request.parent_id == ""
    # and nothing of another request leaked in: every span of the trace descends from that POST
    for span in spans:
        while span.parent_id:
            span = parent(span)
        assert span is gateway_request
