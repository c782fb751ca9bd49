"""What the pet-care services say to each other. Importing this package registers every event type."""

from petcare_contracts import events as _events  # noqa: F401  (registers the payload models)
from petcare_contracts.envelope import SYSTEM, Actor, Envelope, Headers, envelope_headers
from petcare_contracts.registry import (
    ContractError,
    EventPayload,
    EventType,
    InvalidPayload,
    MalformedMessage,
    UnknownEventType,
    decode,
    event,
    event_types,
    lookup,
    new_envelope,
)
from petcare_contracts.topics import TOPICS, Topic, dead_letter_topic

__all__ = [
    "SYSTEM", "TOPICS", "Actor", "ContractError", "Envelope", "EventPayload", "EventType", "Headers",
    "InvalidPayload", "MalformedMessage", "Topic", "UnknownEventType", "dead_letter_topic", "decode",
    "envelope_headers", "event", "event_types", "lookup", "new_envelope",
]
