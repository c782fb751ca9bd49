"""Tracing (petcare_kit.tracing): off without an OTLP endpoint, and when on, one trace from the
request that writes an outbox row, through the relay's send and the consumer's handling, to what
the handler publishes and the provider call it queues. Real PostgreSQL for the outbox and inbox;
spans kept in memory (the suite test exports them over OTLP to a receiver)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
import pytest_asyncio
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from petcare_contracts.events import clients
from petcare_contracts.events.common import Contact
from petcare_kit import tracing
from petcare_kit.consumer import BatchConsumer, EventRouter
from petcare_kit.db import KIT_METADATA, create_engine, session_factory
from petcare_kit.headers import headers_from_json
from petcare_kit.provider_calls import CallPolicy, CallRejected, CallTable, ProviderCallQueue
from petcare_kit.unit_of_work import UnitOfWork
from petcare_tools.testing.records import Record
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, Uuid, func, text
from sqlalchemy.dialects.postgresql import JSONB

OUT_TOPIC = "tracing-test.out"
CALLS_METADATA = MetaData()
traced_calls = Table("traced_calls", CALLS_METADATA, Column("id", Uuid, primary_key=True),
                     Column("state", Text, nullable=False), Column("due_at", DateTime(timezone=True)),
                     Column("attempts", Integer, nullable=False, default=0), Column("provider_id", Text),
                     Column("error", Text), Column("document", JSONB, nullable=False))


def registered() -> clients.CompanyRegistered:
    return clients.CompanyRegistered(company_id=uuid4(), name="Trace Paws", slug=f"trace-{uuid4().hex[:8]}",
                                     time_zone="UTC", first_admin_id=uuid4())


def traceparent(headers: list[tuple[str, bytes]]) -> tuple[int, int]:
    """(trace id, parent span id) of a W3C `traceparent` header."""
    [value] = [v.decode() for k, v in headers if k == "traceparent"]
    _, trace_id, span_id, _ = value.split("-")
    return int(trace_id, 16), int(span_id, 16)


@pytest.fixture
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with tracing.enabled_for_tests(provider):
        yield exporter


def test_off_without_an_endpoint_every_hook_does_nothing() -> None:
    assert not tracing.endpoint_configured({})
    assert not tracing.endpoint_configured({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318",
                                            "OTEL_SDK_DISABLED": "true"})
    assert tracing.endpoint_configured({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://x:4318/v1/traces"})
    assert not tracing.enabled()
    assert tracing.outbox_headers() == []
    email = {"to": "a@example.com"}
    assert tracing.with_trace_context(email) is email
    record = Record("t", 0, 1, None, b"{}", [])
    assert tracing.processing([record], "g") is tracing.processing([record], "g")  # one shared no-op
    assert tracing.provider_call("email", {"traceparent": "x"}) is tracing.processing([record], "g")


def _configure_in_a_process(env: dict[str, str]) -> dict:
    code = ("import json; from petcare_kit import tracing; from opentelemetry import trace\n"
            "on = tracing.configure('clients')\n"
            "resource = getattr(trace.get_tracer_provider(), 'resource', None)\n"
            "print(json.dumps({'on': on, 'name': resource and resource.attributes['service.name']}))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    result = subprocess.run([sys.executable, "-c", code], env=clean | env, capture_output=True, text=True,
                            timeout=120, check=True)  # a cold import on a loaded machine
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_on_with_the_standard_variables_and_named_after_the_service_unless_they_name_it() -> None:
    assert _configure_in_a_process({}) == {"on": False, "name": None}
    endpoint = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"}
    assert _configure_in_a_process(endpoint) == {"on": True, "name": "clients"}
    assert _configure_in_a_process(endpoint | {"OTEL_SERVICE_NAME": "clients-eu"}) == {"on": True,
                                                                                       "name": "clients-eu"}


@pytest_asyncio.fixture(loop_scope="session")
async def sessions(database_url: str) -> AsyncIterator:
    engine = create_engine(database_url, pool_size=2)
    async with engine.begin() as connection:
        await connection.run_sync(KIT_METADATA.create_all)
        await connection.run_sync(CALLS_METADATA.create_all)
    yield session_factory(engine)
    await engine.dispose()


async def outbox_headers_of(sessions, row_id) -> list[tuple[str, bytes]]:
    async with sessions() as session:
        stored = (await session.execute(text("SELECT headers FROM outbox WHERE id = :id"), {"id": row_id})).scalar_one()
    return headers_from_json(stored if isinstance(stored, list) else json.loads(stored))


@pytest.mark.asyncio(loop_scope="session")
async def test_a_request_the_relay_the_consumer_and_a_queued_call_are_one_trace(sessions, spans) -> None:
    queued: list[dict] = []

    async def on_registered(uow, envelope, event) -> None:
        await uow.publish(event, company_id=envelope.company_id, topic=OUT_TOPIC)
        queued.append(tracing.with_trace_context({"to": "owner@example.com"}))

    router = EventRouter()
    router.add(clients.CompanyRegistered, on_registered)
    consumer = BatchConsumer(group=f"tracing-{uuid4().hex[:6]}", topics=["clients.events"], router=router,
                             sessions=sessions)

    request = trace.get_tracer("test", tracer_provider=tracing._provider).start_span("POST /clients",
                                                                                      kind=SpanKind.SERVER)
    with trace.use_span(request, end_on_exit=True):
        async with UnitOfWork(sessions) as uow:  # a request handler writes an outbox row
            envelope = await uow.publish(registered(), company_id=uuid4())
            await uow.commit()
    stored = await outbox_headers_of(sessions, envelope.id)
    trace_id, parent = traceparent(stored)
    assert (trace_id, parent) == (request.get_span_context().trace_id, request.get_span_context().span_id)

    sent, send_span = tracing.start_publish("clients.events", stored, message_id=str(envelope.id))
    tracing.end_spans([send_span])
    assert [k for k, _ in sent].count("traceparent") == 1
    assert traceparent(sent) == (trace_id, send_span.get_span_context().span_id)

    record = Record("clients.events", 0, 7, b"k", envelope.model_dump_json().encode(), sent)
    await consumer.handle_batch([record])

    [process] = [s for s in spans.get_finished_spans() if s.kind == SpanKind.CONSUMER]
    assert process.name == "process clients.events"
    assert process.context.trace_id == trace_id and process.parent.span_id == send_span.get_span_context().span_id
    assert process.attributes["messaging.message.id"] == str(envelope.id)
    [out_id] = [r[0] for r in await _rows(sessions, OUT_TOPIC)]
    assert traceparent(await outbox_headers_of(sessions, out_id)) == (trace_id, process.context.span_id)

    with tracing.provider_call("email", tracing.trace_context_of(queued[0])):
        pass
    [call] = [s for s in spans.get_finished_spans() if s.kind == SpanKind.CLIENT]
    assert call.name == "email send" and call.parent.span_id == process.context.span_id
    assert {s.context.trace_id for s in spans.get_finished_spans()} == {trace_id}


async def _rows(sessions, topic: str) -> list:
    async with sessions() as session:
        return list(await session.execute(text("SELECT id FROM outbox WHERE topic = :t"), {"t": topic}))


class Provider:
    """Accepts calls to anyone but `refused@`; what it accepts is published (as an email's `sent`)."""

    def __init__(self) -> None:
        self.calls_in: list[int] = []

    async def send(self, row) -> str:
        self.calls_in.append(trace.get_current_span().get_span_context().trace_id)
        if row.document["to"].startswith("refused@"):
            raise CallRejected("invalid address", 400)
        return "P1"

    async def find(self, row) -> None:
        return None

    async def accepted(self, uow, row, provider_id) -> None:
        await uow.publish(registered(), company_id=uuid4(), topic=OUT_TOPIC + ".sent")

    async def failed(self, uow, row, reason, code) -> None:
        pass


@pytest.mark.asyncio(loop_scope="session")
async def test_a_queued_call_and_what_its_outcome_publishes_join_the_trace_it_was_queued_in(sessions, spans):
    table = CallTable(traced_calls, state=traced_calls.c.state, due_at=traced_calls.c.due_at,
                      attempts=traced_calls.c.attempts, provider_id=traced_calls.c.provider_id,
                      error=traced_calls.c.error, trace_context=lambda row: tracing.trace_context_of(row.document))
    provider = Provider()
    queue = ProviderCallQueue("email", sessions, table, provider, CallPolicy(max_attempts=1))
    handling = trace.get_tracer("test", tracer_provider=tracing._provider).start_span("process clients.events")
    with trace.use_span(handling, end_on_exit=True):  # a consumer queues two calls
        async with sessions() as session, session.begin():
            for to in ("owner@example.com", "refused@example.com"):
                await session.execute(traced_calls.insert().values(
                    id=uuid4(), state="pending", due_at=func.now(),
                    document=tracing.with_trace_context({"to": to})))
    assert await queue.run_once() == 2

    trace_id = handling.get_span_context().trace_id
    assert provider.calls_in == [trace_id, trace_id]
    calls = [s for s in spans.get_finished_spans() if s.name == "email send"]
    [sent], [refused] = [s for s in calls if s.status.is_ok], [s for s in calls if not s.status.is_ok]
    assert {sent.parent.span_id, refused.parent.span_id} == {handling.get_span_context().span_id}
    assert refused.status.description == "invalid address"
    [published] = [r[0] for r in await _rows(sessions, OUT_TOPIC + ".sent")]
    assert traceparent(await outbox_headers_of(sessions, published)) == (trace_id, sent.context.span_id)


@pytest.mark.asyncio(loop_scope="session")
async def test_an_event_that_waited_is_handled_in_its_own_trace_not_in_the_one_that_released_it(sessions, spans):
    """An activation email's event can reach notifications before the client it names (another
    partition); it waits, and the client's event replays it. Its email belongs to the request that
    asked for it: the replay's `process` span is a child of the waiting record's send, in its trace."""
    from datetime import timedelta

    from petcare_contracts import envelope_headers, new_envelope
    from petcare_contracts.events import billing
    from petcare_kit.waiting import WAITING_METADATA, NotKnownYet, WaitingRoom

    async with sessions() as session, session.begin():
        await (await session.connection()).run_sync(WAITING_METADATA.create_all)
    company, client = uuid4(), uuid4()
    known: set = set()
    queued: list[dict] = []
    group = f"tracing-wait-{uuid4().hex[:6]}"
    router = EventRouter(waiting=WaitingRoom(group, timedelta(hours=1)))

    async def on_paid(uow, envelope, event) -> None:
        if event.client_id not in known:
            raise NotKnownYet(event.client_id)
        queued.append(tracing.with_trace_context({"to": "owner@example.com"}))

    async def on_added(uow, envelope, event) -> None:
        known.add(event.client_id)
        await router.replay_waiting(uow, event.client_id)

    router.add(billing.PaymentSucceeded, on_paid)
    router.add(clients.ClientAdded, on_added)
    consumer = BatchConsumer(group=group, topics=["billing.events", "clients.events"], router=router,
                             sessions=sessions)
    tracer = trace.get_tracer("test", tracer_provider=tracing._provider)

    def sent_in_a_trace_of_its_own(payload, offset: int) -> tuple[Record, int]:
        envelope = new_envelope(payload, company_id=company, correlation_id="kit-test")
        request = tracer.start_span(f"POST {envelope.type}", kind=SpanKind.SERVER)
        with trace.use_span(request, end_on_exit=True):
            stored = [*envelope_headers(envelope), *tracing.outbox_headers()]  # as the outbox row keeps them
            headers, send = tracing.start_publish(payload.topic, stored)
            tracing.end_spans([send])
        record = Record(payload.topic, 0, offset, payload.partition_key().encode(),
                        envelope.model_dump_json().encode(), headers)
        return record, request.get_span_context().trace_id

    paid, paid_trace = sent_in_a_trace_of_its_own(billing.PaymentSucceeded(
        payment_id=uuid4(), invoice_id=uuid4(), client_id=client, amount_cents=2500, initiated_by="client"), 1)
    added, added_trace = sent_in_a_trace_of_its_own(clients.ClientAdded(client_id=client, contact=Contact(
        first_name="Ada", last_name="King", emails=["ada@example.com"], phones=[])), 2)
    await consumer.handle_batch([paid])  # waits: the client is not known yet
    assert queued == []
    await consumer.handle_batch([added])  # the client appears: the payment is replayed
    assert len(queued) == 1

    with tracing.provider_call("email", tracing.trace_context_of(queued[0])):
        pass
    [call] = [s for s in spans.get_finished_spans() if s.kind == SpanKind.CLIENT]
    assert call.context.trace_id == paid_trace != added_trace
    replay = next(s for s in spans.get_finished_spans() if s.context.span_id == call.parent.span_id)
    assert (replay.name, replay.kind, replay.context.trace_id) == ("process billing.events", SpanKind.CONSUMER,
                                                                  paid_trace)
