"""Export the JSON Schema of the envelope and of every registered event into `contracts/schemas/`.

The committed files are the contract: `make schemas` rewrites them from the models, and the
compatibility test compares the models against the committed files, so a breaking edit fails the
build before it reaches a consumer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from petcare_contracts import Envelope, EventType, event_types

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


def contract_event_types() -> list[EventType]:
    """The suite's own events (tests and tools may register others at run time; those are not contract)."""
    return [t for t in event_types() if t.payload.__module__.startswith("petcare_contracts.events.")]


def event_schema(event_type: EventType) -> dict[str, Any]:
    schema = event_type.payload.model_json_schema()
    schema["x-event"] = {
        "type": event_type.name,
        "version": event_type.version,
        "topic": event_type.topic,
        "key": event_type.key_field,
    }
    return schema


def schema_file(event_type: EventType) -> Path:
    return SCHEMA_DIR / f"{event_type.name}.v{event_type.version}.json"


ENVELOPE_FILE = SCHEMA_DIR / "envelope.json"


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def export(schema_dir: Path = SCHEMA_DIR) -> list[Path]:
    schema_dir.mkdir(parents=True, exist_ok=True)
    written = [schema_dir / ENVELOPE_FILE.name]
    written[0].write_text(render(Envelope.model_json_schema()))
    for event_type in contract_event_types():
        path = schema_dir / schema_file(event_type).name
        path.write_text(render(event_schema(event_type)))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in export():
        print(path.relative_to(SCHEMA_DIR.parent))
