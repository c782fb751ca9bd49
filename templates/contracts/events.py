"""Events of the newservice service (`newservice.events`).

A payload model per event, named in the past tense; a change that would break a consumer is a new
`version`, never an edit (contracts/tests/test_compatibility.py). After any change: `make schemas`,
and commit the JSON Schemas with the model.
"""

from __future__ import annotations

from uuid import UUID

from petcare_contracts.registry import EventPayload, event

TOPIC = "newservice.events"

# ---- the template's example: rename it to your first real event, then run `make schemas` ----


@event("newservice.example.added", version=1, topic=TOPIC, key="example_id")
class ExampleAdded(EventPayload):
    """An example was added to the company's list."""

    example_id: UUID
    title: str
