"""The consumer engine: a batch of Kafka records in, their effects committed once, offsets after.

For each batch, in one transaction (one commit per batch, not per message):
- decode every record; a record that cannot be decoded (not JSON, not an envelope, an event type
  or version with no contract, a payload that does not match it) is dead-lettered at once;
- record the ids of the messages this group handles in `inbox`; ids already there are duplicates
  (a redelivery, a replay) and are skipped;
- run the handler of each new message; its state changes and the events it publishes (outbox rows)
  join the transaction;
- commit. Only then does FastStream commit the offsets (ack policy NACK_ON_ERROR: an exception
  rewinds the partitions instead, so nothing is skipped).

A handler that raises something transient (database or broker gone, deadlock) makes the whole
batch retry with backoff. Any other exception is a bug or a message that cannot be handled: the
batch is rolled back and replayed message by message inside savepoints, each failing message
retried up to `max_attempts` times and then dead-lettered to `<group>.dlq` (original key, value and
headers, plus the error), while every other message of the batch is applied. The dead letter is an
outbox row of the same transaction, so it is published once and never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from petcare_contracts import ContractError, Envelope, EventPayload, dead_letter_topic, decode
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from petcare_kit import inbox, metrics, outbox
from petcare_kit.context import correlation_id_var
from petcare_kit.transient import is_transient
from petcare_kit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, Envelope, Any], Awaitable[None]]
BatchHandler = Callable[[UnitOfWork, list[tuple[Envelope, Any]]], Awaitable[None]]


class EventRouter:
    """Which handler takes which event type. Types a group has no handler for are ignored: a topic
    carries many event types and each consumer cares about a few.

    `on` registers a handler called once per message. `on_batch` registers one called once per run
    of consecutive new messages of that type in a batch (order kept), so a hot path can write all
    their state with one statement instead of one round trip per message; when a batch is replayed
    message by message after a failure, it is called with one message at a time."""

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, int], Handler] = {}
        self._batch_handlers: dict[tuple[str, int], BatchHandler] = {}

    def on(self, payload_model: type[EventPayload]) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._handlers[(payload_model.event_type, payload_model.event_version)] = handler
            return handler

        return register

    def on_batch(self, payload_model: type[EventPayload]) -> Callable[[BatchHandler], BatchHandler]:
        def register(handler: BatchHandler) -> BatchHandler:
            key = (payload_model.event_type, payload_model.event_version)
            self._batch_handlers[key] = handler

            async def one_at_a_time(uow: UnitOfWork, envelope: Envelope, payload: Any) -> None:
                await handler(uow, [(envelope, payload)])

            self._handlers[key] = one_at_a_time
            return handler

        return register

    def handler_for(self, envelope: Envelope) -> Handler | None:
        return self._handlers.get((envelope.type, envelope.version))

    def batch_handler_for(self, envelope: Envelope) -> BatchHandler | None:
        return self._batch_handlers.get((envelope.type, envelope.version))


class HandlerFailed(Exception):
    """A handler raised something that is not transient; the batch is replayed message by message."""


@dataclass
class Incoming:
    record: Any  # aiokafka ConsumerRecord
    envelope: Envelope | None = None
    payload: EventPayload | None = None
    problem: str | None = None


class _Run:
    """Consecutive new messages of one batch-handled type, handed over together."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.handler: BatchHandler | None = None
        self.messages: list[tuple[Envelope, Any]] = []

    async def add(self, handler: BatchHandler, item: Incoming) -> None:
        if handler is not self.handler:
            await self.flush()
            self.handler = handler
        self.messages.append((item.envelope, item.payload))

    async def flush(self) -> None:
        handler, messages = self.handler, self.messages
        self.handler, self.messages = None, []
        if handler is None or not messages:
            return
        token = correlation_id_var.set(messages[0][0].correlation_id)
        try:
            await handler(self.uow, messages)
        except Exception as error:
            if is_transient(error):
                raise
            raise HandlerFailed(str(error)) from error
        finally:
            correlation_id_var.reset(token)


class BatchConsumer:
    def __init__(
        self,
        *,
        group: str,
        topics: Sequence[str],
        router: EventRouter,
        sessions: async_sessionmaker[AsyncSession],
        max_attempts: int = 3,
        transient_attempts: int = 6,
        transient_max_wait_seconds: float = 5.0,
    ) -> None:
        self.group, self.topics, self.router, self.sessions = group, list(topics), router, sessions
        self.max_attempts = max_attempts
        self._retrying = AsyncRetrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(transient_attempts),
            wait=wait_exponential(multiplier=0.1, max=transient_max_wait_seconds),
            before_sleep=self._note_retry,
            reraise=True,
        )

    @property
    def dead_letter_topic(self) -> str:
        return dead_letter_topic(self.group)

    async def handle_batch(self, records: Sequence[Any]) -> None:
        """Apply a batch exactly once, or raise (then the offsets are not committed)."""
        incoming = [self._decode(record) for record in records]
        outcomes: dict[str, int] = {}
        async for attempt in self._retrying.copy():
            with attempt:
                try:
                    outcomes = await self._apply(incoming, isolated=False)
                except HandlerFailed:
                    outcomes = await self._apply(incoming, isolated=True)
        for outcome, count in outcomes.items():
            metrics.MESSAGES_CONSUMED.labels(self.group, outcome).inc(count)

    def _decode(self, record: Any) -> Incoming:
        try:
            envelope, payload = decode(record.value)
        except ContractError as error:
            return Incoming(record, problem=f"{error.reason}: {error}")
        return Incoming(record, envelope, payload)

    async def _apply(self, incoming: list[Incoming], *, isolated: bool) -> dict[str, int]:
        outcomes = {"handled": 0, "duplicate": 0, "ignored": 0, "dead_lettered": 0}
        async with UnitOfWork(self.sessions) as uow:
            new_ids = await self._claim(uow, incoming) if not isolated else set()
            run = _Run(uow)
            for item in incoming:
                batch_handler = self.router.batch_handler_for(item.envelope) if item.envelope and not isolated else None
                if batch_handler is None:
                    await run.flush()
                    outcomes[await self._apply_one(uow, item, new_ids, isolated=isolated)] += 1
                elif item.envelope.id not in new_ids:
                    outcomes["duplicate"] += 1
                else:
                    new_ids.discard(item.envelope.id)
                    await run.add(batch_handler, item)
                    outcomes["handled"] += 1
            await run.flush()
            await uow.commit()
        return outcomes

    async def _claim(self, uow: UnitOfWork, incoming: list[Incoming]) -> set:
        ids = [i.envelope.id for i in incoming if i.envelope and self.router.handler_for(i.envelope)]
        return await inbox.claim(uow.session, self.group, ids)

    async def _apply_one(self, uow: UnitOfWork, item: Incoming, new_ids: set, *, isolated: bool) -> str:
        if item.problem is not None:
            await self._dead_letter(uow, item, item.problem)
            return "dead_lettered"
        assert item.envelope is not None
        handler = self.router.handler_for(item.envelope)
        if handler is None:
            return "ignored"
        token = correlation_id_var.set(item.envelope.correlation_id)
        try:
            if isolated:
                return await self._apply_in_savepoint(uow, item, handler)
            if item.envelope.id not in new_ids:
                return "duplicate"
            new_ids.discard(item.envelope.id)  # the same id twice in one batch is handled once
            try:
                await handler(uow, item.envelope, item.payload)
            except Exception as error:
                if is_transient(error):
                    raise
                raise HandlerFailed(str(error)) from error
            return "handled"
        finally:
            correlation_id_var.reset(token)

    async def _apply_in_savepoint(self, uow: UnitOfWork, item: Incoming, handler: Handler) -> str:
        assert item.envelope is not None
        last_error: Exception | None = None
        for _ in range(self.max_attempts):
            savepoint = await uow.session.begin_nested()
            try:
                if not await inbox.claim(uow.session, self.group, [item.envelope.id]):
                    await savepoint.commit()
                    return "duplicate"
                await handler(uow, item.envelope, item.payload)
                await savepoint.commit()
                return "handled"
            except Exception as error:
                await savepoint.rollback()
                if is_transient(error):
                    raise
                last_error = error
        log.error("dead-lettering %s %s after %d attempts", item.envelope.type, item.envelope.id,
                  self.max_attempts, exc_info=last_error)
        await self._dead_letter(uow, item, f"handler_failed: {last_error!r}")
        return "dead_lettered"

    async def _dead_letter(self, uow: UnitOfWork, item: Incoming, reason: str) -> None:
        record = item.record
        log.warning("dead-lettering a message from %s[%s]@%s: %s", record.topic, record.partition,
                    record.offset, reason)
        headers = [*(record.headers or ()), *self._dead_letter_headers(record, reason)]
        row = outbox.raw_row(
            row_id=outbox.dead_letter_row_id(self.group, record.topic, record.partition, record.offset),
            topic=self.dead_letter_topic,
            key=record.key,
            value=record.value,
            headers=headers,
        )
        await outbox.add_rows(uow.session, [row])

    def _dead_letter_headers(self, record: Any, reason: str) -> list[tuple[str, bytes]]:
        return [
            ("dlq-reason", reason[:2000].encode()),
            ("dlq-consumer-group", self.group.encode()),
            ("dlq-original-topic", record.topic.encode()),
            ("dlq-original-partition", str(record.partition).encode()),
            ("dlq-original-offset", str(record.offset).encode()),
            ("dlq-failed-at", datetime.now(UTC).isoformat().encode()),
        ]

    def _note_retry(self, retry_state: Any) -> None:
        metrics.BATCH_RETRIES.labels(self.group).inc()
        log.warning("batch of %s hit a transient error, retrying: %r", self.group,
                    retry_state.outcome.exception() if retry_state.outcome else None)
