"""OpenTelemetry tracing: one trace from a request at the gateway to the provider call it causes.

Off unless an OTLP endpoint is configured, with the standard variables:
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` (then spans go out over
OTLP http/protobuf to `<endpoint>/v1/traces`), `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES`
(the service's own name when they do not name one), `OTEL_BSP_*`, `OTEL_PROPAGATORS`,
`OTEL_SDK_DISABLED=true`. Off, nothing is instrumented and every hook below is one boolean test:
no SDK import, no span, no header.

Where spans come from (docs/observability.md):
- HTTP: FastAPI's instrumentation on every service and the gateway (server spans, W3C
  `traceparent` read from the request); the gateway's aiohttp client makes its client spans itself
  (`gateway.upstream_calls`, `traceparent` sent up to the service).
- The outbox: a row written while a span is current keeps that span's context in its Kafka headers
  (`outbox_headers`), so the relay's `send <topic>` span (`start_publish`) is a child of the request
  or message that wrote the row, however much later it is published, and the message carries the
  relay's span as its parent.
- Consumers: each message handled gets a `process <topic>` span (`processing`) whose parent is
  the message's `traceparent`; what the handler publishes or queues carries it on.
- Provider calls: a queued call (an email row) keeps the context it was queued in
  (`with_trace_context`), and the queue's call runs in a `<name> send` client span under it
  (`provider_call`).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode

log = logging.getLogger(__name__)

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
TRACE_CONTEXT_KEY = "trace_context"
"""Where `with_trace_context` keeps the W3C carrier inside a queued call's JSON document."""
NOT_TRACED_URLS = "/health$,/ready$,/metrics$"
"""Probes and scrapes: frequent, and not what anyone follows a trace for."""
TRACER_NAME = "petcare_kit"

_enabled = False
_provider: trace.TracerProvider | None = None
"""None: the global provider `configure` installed; a test's own provider otherwise."""
_NO_SPAN: contextlib.nullcontext[None] = contextlib.nullcontext()

KafkaHeaders = list[tuple[str, bytes]]
PublishSpan = Span
"""What `start_publish` returns beside the headers, for `end_spans`."""


def enabled() -> bool:
    """True once `configure` found an endpoint: spans are recorded and exported."""
    return _enabled


def endpoint_configured(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment names an OTLP endpoint (and does not disable the SDK)."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return any(environ.get(name, "").strip() for name in ENDPOINT_VARIABLES)


def configure(service_name: str) -> bool:
    """Install the process's tracer provider exporting over OTLP http/protobuf, once per process;
    `service_name` names the resource unless OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES do.
    Returns whether tracing is on. Without an endpoint, does nothing (and imports nothing)."""
    global _enabled
    if _enabled or not endpoint_configured():
        return _enabled
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: service_name}))
    provider = TracerProvider(resource=resource)  # flushes its spans at interpreter exit
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _enabled = True
    log.info("tracing on: spans exported over OTLP", extra={"otel_service_name": resource.attributes[SERVICE_NAME]})
    return True


def instrument_app(app: Any) -> None:
    """Server spans for a FastAPI app (W3C context read from the request); nothing when off."""
    if not _enabled:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    # receive/send spans would double every request's span count for no insight
    FastAPIInstrumentor.instrument_app(app, excluded_urls=NOT_TRACED_URLS, exclude_spans=["receive", "send"])


def _tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME, tracer_provider=_provider)


def _carrier(headers: Iterable[tuple[str, bytes | None]] | None) -> dict[str, str]:
    return {name.lower(): value.decode("utf-8", "replace") for name, value in headers or () if value is not None}


def _injected(context: Context | None = None) -> dict[str, str]:
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return carrier


def outbox_headers() -> KafkaHeaders:
    """The current span's context as Kafka headers (`traceparent`, `tracestate`), for an outbox row
    written now; [] when tracing is off or no span is current."""
    if not _enabled:
        return []
    return [(name, value.encode()) for name, value in _injected().items()]


def with_trace_context(document: dict[str, Any] | None) -> dict[str, Any] | None:
    """`document` (a queued call's JSON) with the current span's context under `trace_context`;
    unchanged when tracing is off, there is no span, or there is no document."""
    if not _enabled or document is None:
        return document
    carrier = _injected()
    return {**document, TRACE_CONTEXT_KEY: carrier} if carrier else document


def trace_context_of(document: Mapping[str, Any] | None) -> Mapping[str, str] | None:
    """The carrier `with_trace_context` kept in `document`, if any."""
    return (document or {}).get(TRACE_CONTEXT_KEY)


def start_publish(topic: str, headers: KafkaHeaders, *,
                  message_id: str | None = None) -> tuple[KafkaHeaders, PublishSpan]:
    """A producer span `send <topic>` under the context the row kept in `headers`; returns the
    headers to send (that context replaced by this span's, so the consumer is its child) and the
    span, to end with `end_spans` once the broker acked. Call only when `enabled()`."""
    parent = propagate.extract(_carrier(headers))
    span = _tracer().start_span(f"send {topic}", context=parent, kind=SpanKind.PRODUCER, attributes={
        "messaging.system": "kafka", "messaging.operation.type": "send", "messaging.operation.name": "send",
        "messaging.destination.name": topic, **({"messaging.message.id": message_id} if message_id else {})})
    own = _injected(trace.set_span_in_context(span))
    sent = [(name, value) for name, value in headers if name.lower() not in own]
    return sent + [(name, value.encode()) for name, value in own.items()], span


def end_spans(spans: Sequence[PublishSpan], error: BaseException | None = None) -> None:
    """End producer spans, marked failed with `error` when the send did not succeed."""
    for span in spans:
        if error is not None:
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        span.end()


def processing(records: Sequence[Any], group: str, envelope: Any = None) -> contextlib.AbstractContextManager[Any]:
    """The current span while a consumer handles `records` (aiokafka ConsumerRecords, or the waiting
    room's OriginalRecords: one, or a run handled together) of `envelope` (the first one's):
    `process <topic>`, a child of the first record's `traceparent`, linked to the others'. A no-op
    context when tracing is off."""
    if not _enabled or not records:
        return _NO_SPAN
    first = records[0]
    links = [Link(context) for record in records[1:]
             if (context := trace.get_current_span(propagate.extract(_carrier(record.headers))).get_span_context())
             .is_valid]
    attributes: dict[str, Any] = {
        "messaging.system": "kafka", "messaging.operation.type": "process", "messaging.operation.name": "process",
        "messaging.destination.name": first.topic, "messaging.consumer.group.name": group}
    if first.partition is not None:  # None: an event the waiting room kept before it recorded where from
        attributes["messaging.destination.partition.id"] = str(first.partition)
    if first.offset is not None:
        attributes["messaging.kafka.offset"] = first.offset
    if len(records) > 1:
        attributes["messaging.batch.message_count"] = len(records)
    if envelope is not None:
        attributes["messaging.message.id"] = str(envelope.id)
        attributes["petcare.event_type"] = envelope.type
    return _tracer().start_as_current_span(f"process {first.topic}", context=propagate.extract(_carrier(first.headers)),
                                           kind=SpanKind.CONSUMER, links=links, attributes=attributes)


def provider_call(name: str, carrier: Mapping[str, str] | None,
                  **attributes: str) -> contextlib.AbstractContextManager[Any]:
    """A client span `<name> send` around a call to an outside provider, under the context the call
    was queued in (`carrier`, from `with_trace_context`). A no-op context when tracing is off."""
    if not _enabled:
        return _NO_SPAN
    parent = propagate.extract(dict(carrier or {}))
    return _tracer().start_as_current_span(f"{name} send", context=parent, kind=SpanKind.CLIENT,
                                           attributes=attributes)


def mark_failed(reason: str) -> None:
    """Mark the current span failed (a provider refused, or will be asked again); nothing when off."""
    if _enabled:
        trace.get_current_span().set_status(Status(StatusCode.ERROR, reason))


def untraced() -> contextlib.AbstractContextManager[Any]:
    """A context in which the instrumentation libraries make no spans (tasks created inside inherit
    it): housekeeping calls nobody follows a trace for. A no-op context when tracing is off."""
    if not _enabled:
        return _NO_SPAN
    from opentelemetry.instrumentation.utils import suppress_instrumentation

    return suppress_instrumentation()


@contextlib.contextmanager
def enabled_for_tests(provider: trace.TracerProvider) -> Iterator[None]:
    """Turn tracing on with `provider` (an SDK TracerProvider with an in-memory exporter) for a test."""
    global _enabled, _provider
    previous = _enabled, _provider
    _enabled, _provider = True, provider
    try:
        yield
    finally:
        _enabled, _provider = previous
