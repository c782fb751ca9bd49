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
headers, plus the error: `petcare_kit.dead_letters`), while every other message of the batch is
applied. The dead letter is an outbox row of the same transaction, so it is published once and never
lost.

A handler that raises `petcare_kit.waiting.NotKnownYet` on a router with a waiting room has its
effects rolled back (savepoint) and its record parked until the entity appears (see that module).

Registration is explicit and checked at start-up: a router declares the event types its service
handles (`EventRouter(handles=[...])`), and the consumer refuses to be built when a declared type
has no handler, a handler is registered for an undeclared type, or a handled type's topic is not
subscribed (`UnhandledEventTypes`), instead of silently ignoring those messages.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from petcare_contracts import ContractError, Envelope, EventPayload, dead_letter_topic, decode
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from petcare_kit import inbox, metrics, tracing
from petcare_kit.context import correlation_id_var
from petcare_kit.dead_letters import OriginalRecord, dead_letter
from petcare_kit.transient import is_transient
from petcare_kit.unit_of_work import UnitOfWork
from petcare_kit.waiting import NotKnownYet, WaitingRoom

log = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, Envelope, Any], Awaitable[None]]
BatchHandler = Callable[[UnitOfWork, list[tuple[Envelope, Any]]], Awaitable[None]]


class UnhandledEventTypes(RuntimeError):
    """Raised at start-up: the declared event types and the registered handlers disagree, or a
    handled type's topic is not subscribed. Without it a forgotten registration would drop every
    message of that type without a word."""


def _key(payload_model: type[EventPayload]) -> tuple[str, int]:
    return (payload_model.event_type, payload_model.event_version)


class EventRouter:
    """Which handler takes which event type. Types a group has no handler for are ignored: a topic
    carries many event types and each consumer cares about a few.

    `handles`: the payload models this service handles, declared in its composition root. With it,
    `check` (run when the consumer is built, so at start-up) raises `UnhandledEventTypes` for a
    declared type without a handler or a handler of an undeclared type. None (the default) keeps
    the old, unchecked behaviour for services not moved to explicit registration yet.

    `waiting`: a `WaitingRoom`; handlers raising `NotKnownYet` then park their event in it.

    `on` / `add` register a handler called once per message. `on_batch` registers one called once
    per run of consecutive new messages of that type in a batch (order kept), so a hot path can write
    all their state with one statement instead of one round trip per message; when a batch is
    replayed message by message after a failure, it is called with one message at a time."""

    def __init__(self, *, handles: Iterable[type[EventPayload]] | None = None,
                 waiting: WaitingRoom | None = None) -> None:
        self._handlers: dict[tuple[str, int], Handler] = {}
        self._batch_handlers: dict[tuple[str, int], BatchHandler] = {}
        self.declared: dict[tuple[str, int], type[EventPayload]] | None = (
            None if handles is None else {_key(model): model for model in handles})
        self.waiting = waiting
        self._topics: dict[tuple[str, int], str] = {}

    def add(self, payload_model: type[EventPayload], handler: Handler) -> Handler:
        """Register `handler` for one event type (the explicit form of `on`)."""
        self._handlers[_key(payload_model)] = handler
        self._topics[_key(payload_model)] = payload_model.topic
        return handler

    def on(self, payload_model: type[EventPayload]) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            return self.add(payload_model, handler)

        return register

    def on_batch(self, payload_model: type[EventPayload]) -> Callable[[BatchHandler], BatchHandler]:
        def register(handler: BatchHandler) -> BatchHandler:
            key = _key(payload_model)
            self._batch_handlers[key] = handler
            self._topics[key] = payload_model.topic

            async def one_at_a_time(uow: UnitOfWork, envelope: Envelope, payload: Any) -> None:
                await handler(uow, [(envelope, payload)])

            self._handlers[key] = one_at_a_time
            return handler

        return register

    def handler_for(self, envelope: Envelope) -> Handler | None:
        return self._handlers.get((envelope.type, envelope.version))

    @property
    def handled_types(self) -> set[tuple[str, int]]:
        """(event type, version) of every registered handler."""
        return set(self._handlers)

    def check(self, subscribed_topics: Iterable[str]) -> None:
        """Raise `UnhandledEventTypes` when a declared type has no handler, a handler's type is not
        declared, or a handled type's topic is not among `subscribed_topics`. A router without
        declarations is not checked (tests and benches that re-route a type to a topic of their own)."""
        if self.declared is None:  # not moved to explicit registration yet: unchecked, as before
            return
        topics = set(subscribed_topics)
        problems = [f"{t} v{v} is handled, but its topic {topic} is not subscribed"
                    for (t, v), topic in sorted(self._topics.items()) if topic not in topics]
        problems += [f"{t} v{v} is declared, but no handler is registered for it"
                     for (t, v) in sorted(set(self.declared) - set(self._handlers))]
        problems += [f"{t} v{v} has a handler, but the service does not declare it"
                     for (t, v) in sorted(set(self._handlers) - set(self.declared))]
        problems += [f"{model.event_type} v{model.event_version} is declared, but its topic {model.topic} "
                     "is not subscribed" for model in self.declared.values() if model.topic not in topics]
        if problems:
            raise UnhandledEventTypes("; ".join(dict.fromkeys(problems)))

    async def replay_waiting(self, uow: UnitOfWork, entity_id: UUID) -> int:
        """`entity_id` is known now: replay the events waiting for it (0 without a waiting room)."""
        if self.waiting is None:
            return 0
        return await self.waiting.replay_for(uow, entity_id, self)

    def batch_handler_for(self, envelope: Envelope) -> BatchHandler | None:
        return self._batch_handlers.get((envelope.type, envelope.version))

    def batch_handler_for_key(self, key: tuple[str, int]) -> BatchHandler | None:
        """The batch handler of (event type, version), if one is registered."""
        return self._batch_handlers.get(key)


class HandlerFailed(Exception):
    """A handler raised something that is not transient; the batch is replayed message by message."""


@dataclass(slots=True)
class Incoming:
    record: Any  # aiokafka ConsumerRecord
    envelope: Envelope | None = None
    payload: EventPayload | None = None
    problem: str | None = None


class _NewIds:
    """The ids a batch claimed and has not handled yet, set-like (`in`, `discard`): every claimed id
    but those the inbox had before (`seen_before`, usually none) and those already taken by this
    batch (an id twice in one batch is handled once). Keyed by `UUID.int`: `UUID.__hash__` is Python
    code, an int's hash is not, and this is asked once per message."""

    __slots__ = ("_seen_before", "_taken")

    def __init__(self, seen_before: set[UUID]) -> None:
        self._seen_before = {message_id.int for message_id in seen_before}
        self._taken: set[int] = set()

    def __contains__(self, message_id: object) -> bool:
        key = message_id.int if isinstance(message_id, UUID) else None
        return key is not None and key not in self._taken and key not in self._seen_before

    def discard(self, message_id: UUID) -> None:
        self._taken.add(message_id.int)


class _Run:
    """Consecutive new messages of one batch-handled type, handed over together."""

    def __init__(self, uow: UnitOfWork, group: str = "") -> None:
        self.uow, self.group = uow, group
        self.handler: BatchHandler | None = None
        self.messages: list[tuple[Envelope, Any]] = []
        self.records: list[Any] = []

    async def flush(self) -> None:
        handler, messages, records = self.handler, self.messages, self.records
        self.handler, self.messages, self.records = None, [], []
        if handler is None or not messages:
            return
        token = correlation_id_var.set(messages[0][0].correlation_id)
        try:
            with tracing.processing(records, self.group, messages[0][0]):
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
        router.check(self.topics)
        if router.waiting is not None and router.waiting.group != group:
            raise UnhandledEventTypes(f"the waiting room is {router.waiting.group!r}'s, this consumer is {group!r}")
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
        incoming = self._decode_all(records)
        outcomes: dict[str, int] = {}
        async for attempt in self._retrying.copy():
            with attempt:
                try:
                    outcomes = await self._apply(incoming, isolated=False)
                except HandlerFailed:
                    outcomes = await self._apply(incoming, isolated=True)
        for outcome, count in outcomes.items():
            metrics.MESSAGES_CONSUMED.labels(self.group, outcome).inc(count)

    def _decode_all(self, records: Sequence[Any]) -> list[Incoming]:
        """Decode every record, with the cyclic garbage collector paused meanwhile (nothing else runs:
        there is no await). Decoding allocates a score of objects per record, none of them in a cycle,
        and the collections they set off, each also walking older generations, cost about a quarter of
        decoding in a service's heap (callgrind, batches of 500). Reference counting frees them as before;
        the collector runs again right after, as usual."""
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            return [self._decode(record) for record in records]
        finally:
            if paused:
                gc.enable()

    @staticmethod
    def _decode(record: Any) -> Incoming:
        try:
            envelope, payload = decode(record.value)
        except ContractError as error:
            return Incoming(record, problem=f"{error.reason}: {error}")
        return Incoming(record, envelope, payload)

    async def _apply(self, incoming: list[Incoming], *, isolated: bool) -> dict[str, int]:
        outcomes = {"handled": 0, "duplicate": 0, "ignored": 0, "dead_lettered": 0, "waiting": 0}
        async with UnitOfWork(self.sessions) as uow:
            if isolated:
                for item in incoming:
                    outcomes[await self._apply_one(uow, item, set(), isolated=True)] += 1
            else:
                await self._apply_claimed(uow, incoming, outcomes)
            await uow.commit()
        return outcomes

    async def _apply_claimed(self, uow: UnitOfWork, incoming: list[Incoming], outcomes: dict[str, int]) -> None:
        """The batch in one go: claim every handled id with one statement, then hand runs of new
        messages of a batch-handled type to their batch handler and the others one by one. The
        handlers are looked up once per event type of the batch, not once per message."""
        batch_handlers = {key: self.router.batch_handler_for_key(key)
                          for key in {(i.envelope.type, i.envelope.version) for i in incoming if i.envelope}}
        new_ids = await self._claim(uow, incoming)
        run = _Run(uow, self.group)
        duplicate = handled = 0
        for item in incoming:
            envelope = item.envelope
            batch_handler = batch_handlers[(envelope.type, envelope.version)] if envelope is not None else None
            if envelope is None or batch_handler is None:
                await run.flush()
                outcomes[await self._apply_one(uow, item, new_ids, isolated=False)] += 1
            elif envelope.id not in new_ids:
                duplicate += 1
            else:
                new_ids.discard(envelope.id)
                if batch_handler is not run.handler:
                    await run.flush()
                    run.handler = batch_handler
                run.messages.append((envelope, item.payload))
                run.records.append(item.record)
                handled += 1
        await run.flush()
        outcomes["duplicate"] += duplicate
        outcomes["handled"] += handled

    async def _claim(self, uow: UnitOfWork, incoming: list[Incoming]) -> _NewIds | set[UUID]:
        handled = self.router.handled_types
        ids = [i.envelope.id for i in incoming if i.envelope and (i.envelope.type, i.envelope.version) in handled]
        return _NewIds(await inbox.claim_batch(uow.session, self.group, ids))

    async def _apply_one(self, uow: UnitOfWork, item: Incoming, new_ids: _NewIds | set[UUID], *,
                         isolated: bool) -> str:
        if item.problem is not None:
            await self._dead_letter(uow, item, item.problem)
            return "dead_lettered"
        assert item.envelope is not None
        handler = self.router.handler_for(item.envelope)
        if handler is None:
            return "ignored"
        token = correlation_id_var.set(item.envelope.correlation_id)
        try:
            with tracing.processing([item.record], self.group, item.envelope):
                return await self._apply_known(uow, item, handler, new_ids, isolated=isolated)
        finally:
            correlation_id_var.reset(token)

    async def _apply_known(self, uow: UnitOfWork, item: Incoming, handler: Handler,
                           new_ids: _NewIds | set[UUID], *, isolated: bool) -> str:
        assert item.envelope is not None
        if isolated:
            return await self._apply_in_savepoint(uow, item, handler)
        if item.envelope.id not in new_ids:
            return "duplicate"
        new_ids.discard(item.envelope.id)  # the same id twice in one batch is handled once
        try:
            return await self._call(uow, item, handler)
        except Exception as error:
            if is_transient(error):
                raise
            raise HandlerFailed(str(error)) from error

    async def _call(self, uow: UnitOfWork, item: Incoming, handler: Handler) -> str:
        """Run the handler; with a waiting room, inside a savepoint so that an event naming an
        entity not known yet leaves nothing but its parked record."""
        assert item.envelope is not None
        waiting = self.router.waiting
        if waiting is None:
            await handler(uow, item.envelope, item.payload)
            return "handled"
        savepoint = await uow.session.begin_nested()
        try:
            await handler(uow, item.envelope, item.payload)
        except NotKnownYet as missing:
            await savepoint.rollback()
            await waiting.park(uow.session, OriginalRecord.of(item.record), item.envelope, missing)
            return "waiting"
        await savepoint.commit()
        return "handled"

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
            except NotKnownYet as missing:
                await savepoint.rollback()
                if self.router.waiting is None:
                    last_error = missing
                    continue
                await inbox.claim(uow.session, self.group, [item.envelope.id])
                await self.router.waiting.park(uow.session, OriginalRecord.of(item.record), item.envelope, missing)
                return "waiting"
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
        await dead_letter(uow.session, self.group, OriginalRecord.of(item.record), reason)

    def _note_retry(self, retry_state: Any) -> None:
        metrics.BATCH_RETRIES.labels(self.group).inc()
        log.warning("batch of %s hit a transient error, retrying: %r", self.group,
                    retry_state.outcome.exception() if retry_state.outcome else None)
