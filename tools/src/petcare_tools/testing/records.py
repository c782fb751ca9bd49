"""Kafka records made in tests, for handing events straight to a service's consumer
(`runtime.consumer.handle_batch([...])`) exactly as aiokafka would."""

from __future__ import annotations

from dataclasses import dataclass

from petcare_contracts import Envelope, EventPayload, envelope_headers


@dataclass
class Record:
    """The fields of aiokafka's ConsumerRecord that the kit's consumer reads."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


def record_of(payload: EventPayload, envelope: Envelope, *, offset: int, value: bytes | None = None) -> Record:
    """The record the relay would publish for this envelope (`value` replaces its bytes, for bad input)."""
    body = value if value is not None else envelope.model_dump_json().encode()
    return Record(payload.topic, 0, offset, payload.partition_key().encode(), body, envelope_headers(envelope))
