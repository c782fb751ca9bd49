"""The contract compatibility check: committed schemas vs the models, and proof that it catches breaks."""

from __future__ import annotations

import json

import pytest
from petcare_contracts import Envelope
from petcare_contracts.compatibility import breaking_changes
from petcare_contracts.schema_export import (
    ENVELOPE_FILE,
    SCHEMA_DIR,
    contract_event_types,
    event_schema,
    render,
    schema_file,
)
from pydantic import BaseModel


class VisitCancelledV1(BaseModel):
    visit_id: str
    reason: str | None = None
    pets: list[str]
    status: str = "cancelled"


def schema_of(model: type[BaseModel]) -> dict:
    return model.model_json_schema()


def test_committed_schemas_still_hold_for_every_registered_event():
    """Every event's model is compatible with the schema committed for its (type, version)."""
    for event_type in contract_event_types():
        path = schema_file(event_type)
        assert path.exists(), f"{path.name} missing: run `make schemas` and commit it"
        committed = json.loads(path.read_text())
        assert breaking_changes(committed, event_schema(event_type)) == [], event_type.name


def test_no_committed_schema_lost_its_model():
    """Deleting an event type that consumers may still read (and replays will) is a break."""
    registered = {schema_file(t).name for t in contract_event_types()} | {ENVELOPE_FILE.name}
    committed = {p.name for p in SCHEMA_DIR.glob("*.json")}
    assert committed - registered == set()


def test_committed_files_are_current():
    """The files are what `make schemas` writes today (a compatible edit still needs its export)."""
    assert ENVELOPE_FILE.read_text() == render(Envelope.model_json_schema())
    assert breaking_changes(json.loads(ENVELOPE_FILE.read_text()), Envelope.model_json_schema()) == []
    for event_type in contract_event_types():
        assert schema_file(event_type).read_text() == render(event_schema(event_type)), event_type.name


def test_adding_an_optional_field_is_compatible():
    class Newer(VisitCancelledV1):
        note: str | None = None

    assert breaking_changes(schema_of(VisitCancelledV1), schema_of(Newer)) == []


@pytest.mark.parametrize(
    ("broken_source", "expected"),
    [
        ("class Broken(BaseModel):\n    reason: str | None = None\n    pets: list[str]\n    status: str = 'x'",
         "visit_id: removed"),
        ("class Broken(BaseModel):\n    visit_id: int\n    reason: str | None = None\n    pets: list[str]\n"
         "    status: str = 'x'", "visit_id: type changed"),
        ("class Broken(BaseModel):\n    visit_id: str\n    reason: str | None = None\n    pets: list[str]\n"
         "    status: str = 'x'\n    cancelled_by: str", "cancelled_by: became required"),
        ("class Broken(BaseModel):\n    visit_id: str\n    reason: str | None = None\n    pets: list[int]\n"
         "    status: str = 'x'", "pets[]: type changed"),
        ("class Broken(BaseModel):\n    visit_id: str\n    reason: str\n    pets: list[str]\n    status: str = 'x'",
         "reason: accepted types changed"),
    ],
    ids=["field removed", "type changed", "required field added", "item type changed", "nullable dropped"],
)
def test_breaking_changes_are_caught(broken_source, expected):
    namespace: dict = {"BaseModel": BaseModel}
    exec(broken_source, namespace)
    problems = breaking_changes(schema_of(VisitCancelledV1), schema_of(namespace["Broken"]))
    assert any(expected in problem for problem in problems), problems


def test_a_broken_schema_file_fails_the_check(tmp_path):
    """Feed the checker a committed schema that a model edit has broken: it reports the break."""
    committed = schema_of(VisitCancelledV1)
    edited = json.loads(json.dumps(committed))
    edited["properties"]["visit_id"]["type"] = "integer"
    del edited["properties"]["pets"]
    edited["required"].remove("pets")
    problems = breaking_changes(committed, edited)
    assert "$.visit_id: type changed from 'string' to 'integer'" in problems
    assert "$.pets: removed" in problems


def test_enum_values_changing_is_a_break():
    old = {"type": "object", "properties": {"status": {"enum": ["a", "b"]}}, "required": ["status"]}
    new = {"type": "object", "properties": {"status": {"enum": ["a", "b", "c"]}}, "required": ["status"]}
    assert any("enum values changed" in p for p in breaking_changes(old, new))
