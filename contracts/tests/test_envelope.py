"""The envelope and the decode path consumers rely on to tell a bad message from a good one."""

from __future__ import annotations

import json
from uuid import uuid4

import pytest
from petcare_contracts import (
    EventPayload,
    InvalidPayload,
    MalformedMessage,
    UnknownEventType,
    decode,
    event,
    new_envelope,
)


@event("contracts_test.thing.happened", version=1, topic="contracts_test.events", key="thing_id")
class ThingHappened(EventPayload):
    """Registered by this test module only."""

    thing_id: str
    count: int


def test_round_trip_keeps_every_field_and_the_key():
    company = uuid4()
    envelope = new_envelope(ThingHappened(thing_id="t1", count=3), company_id=company, correlation_id="req-1")
    decoded, payload = decode(envelope.model_dump_json().encode())
    assert decoded == envelope
    assert payload == ThingHappened(thing_id="t1", count=3)
    assert payload.partition_key() == "t1"
    assert decoded.type == "contracts_test.thing.happened" and decoded.version == 1
    assert decoded.company_id == company and decoded.occurred_at.tzinfo is not None


@pytest.mark.parametrize("raw", [None, b"", b"not json", b'{"id": "x"}', b"[1,2]"])
def test_malformed_values_are_named_malformed(raw):
    with pytest.raises(MalformedMessage):
        decode(raw)


def test_unknown_type_and_version_are_named():
    envelope = new_envelope(ThingHappened(thing_id="t", count=1), company_id=None, correlation_id="c")
    body = json.loads(envelope.model_dump_json())
    body["version"] = 2
    with pytest.raises(UnknownEventType, match="version 2"):
        decode(json.dumps(body).encode())


def test_payload_that_does_not_match_its_model_is_invalid():
    envelope = new_envelope(ThingHappened(thing_id="t", count=1), company_id=None, correlation_id="c")
    body = json.loads(envelope.model_dump_json())
    body["data"]["count"] = "many"
    with pytest.raises(InvalidPayload, match="count"):
        decode(json.dumps(body).encode())


def test_a_newer_producer_with_an_extra_field_is_still_read():
    envelope = new_envelope(ThingHappened(thing_id="t", count=1), company_id=None, correlation_id="c")
    body = json.loads(envelope.model_dump_json())
    body["data"]["added_later"] = "ok"
    _, payload = decode(json.dumps(body).encode())
    assert payload.count == 1


def test_registering_a_key_that_is_not_a_field_is_refused():
    with pytest.raises(TypeError, match="no field"):

        @event("contracts_test.bad.keyed", version=1, topic="x.events", key="missing")
        class Bad(EventPayload):
            present: str
