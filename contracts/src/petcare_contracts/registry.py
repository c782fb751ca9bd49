"""The registry of event types: (type, version) → payload model, topic and key field.

A payload model declares itself with `@event(...)`. Producers build envelopes with `new_envelope`
(type, version and key come from the model, so they cannot disagree); consumers turn raw bytes back
into a validated (envelope, payload) with `decode`, which raises a `ContractError` subclass that
says why a message cannot be handled (it then goes to the dead-letter topic).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, ValidationError

from petcare_contracts.envelope import SYSTEM, Actor, Envelope


class EventPayload(BaseModel):
    """Base of every payload model. Unknown fields are ignored, so a newer producer that adds an
    optional field does not break an older consumer."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    event_version: ClassVar[int]
    topic: ClassVar[str]
    key_field: ClassVar[str]

    def partition_key(self) -> str:
        """The Kafka key: the aggregate id, so one aggregate's events stay in one partition, in order."""
        return str(getattr(self, self.key_field))


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    topic: str
    key_field: str
    payload: type[EventPayload]
    description: str


class ContractError(Exception):
    """A message that no retry can fix."""

    reason: ClassVar[str] = "contract_error"


class MalformedMessage(ContractError):
    reason = "malformed_message"


class UnknownEventType(ContractError):
    reason = "unknown_event_type"


class InvalidPayload(ContractError):
    reason = "invalid_payload"


_REGISTRY: dict[tuple[str, int], EventType] = {}

P = TypeVar("P", bound=EventPayload)


def event(name: str, *, version: int, topic: str, key: str) -> Callable[[type[P]], type[P]]:
    """Register a payload model as event `name` version `version`, published on `topic`, keyed by
    its field `key` (the aggregate id, so one aggregate's events stay in order)."""

    def register(model: type[P]) -> type[P]:
        if key not in model.model_fields:
            raise TypeError(f"{model.__name__} has no field {key!r} to key {name} by")
        existing = _REGISTRY.get((name, version))
        if existing is not None and existing.payload is not model:
            raise TypeError(f"{name} v{version} is already registered by {existing.payload.__name__}")
        model.event_type, model.event_version, model.topic, model.key_field = name, version, topic, key
        _REGISTRY[(name, version)] = EventType(
            name, version, topic, key, model, (model.__doc__ or "").strip()
        )
        return model

    return register


def event_types() -> list[EventType]:
    return sorted(_REGISTRY.values(), key=lambda t: (t.name, t.version))


def lookup(name: str, version: int) -> EventType:
    try:
        return _REGISTRY[(name, version)]
    except KeyError:
        raise UnknownEventType(f"no contract for event type {name!r} version {version}") from None


def new_envelope(
    payload: EventPayload,
    *,
    company_id: UUID | None,
    correlation_id: str,
    actor: Actor = SYSTEM,
    causation_id: UUID | None = None,
) -> Envelope:
    return Envelope(
        type=payload.event_type,
        version=payload.event_version,
        company_id=company_id,
        actor=actor,
        correlation_id=correlation_id,
        causation_id=causation_id,
        data=payload.model_dump(mode="json"),
    )


def decode(raw: bytes | None) -> tuple[Envelope, EventPayload]:
    """Raw Kafka value → (envelope, validated payload), or a ContractError saying why not.

    The consumer's hot path (once per record): the models' validators are called directly
    (`model_validate_json` / `model_validate` add a wrapper and checks per call), with the same
    validation and the same errors."""
    if not raw:
        raise MalformedMessage("empty message value")
    try:
        envelope: Envelope = _ENVELOPE_VALIDATOR.validate_json(raw)
    except ValidationError as error:
        raise MalformedMessage(f"not a valid envelope: {_summary(error)}") from None
    event_type = _REGISTRY.get((envelope.type, envelope.version))
    if event_type is None:
        raise UnknownEventType(f"no contract for event type {envelope.type!r} version {envelope.version}")
    try:
        payload: EventPayload = event_type.payload.__pydantic_validator__.validate_python(envelope.data)
    except ValidationError as error:
        raise InvalidPayload(f"{envelope.type} v{envelope.version}: {_summary(error)}") from None
    return envelope, payload


_ENVELOPE_VALIDATOR = Envelope.__pydantic_validator__


def _summary(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in error.errors()[:5]
    )
