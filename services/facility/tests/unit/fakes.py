"""In-memory stand-ins for facility's repositories and unit of work: the use cases run on them
with no database, exactly as they run on SQL."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from facility.domain.errors import ExampleNotFound
from facility.domain.examples import Example
from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload, new_envelope


class FakeExamples:
    def __init__(self) -> None:
        self.rows: dict[UUID, Example] = {}

    async def add(self, example: Example) -> None:
        self.rows[example.id] = example

    async def get(self, company_id: UUID, example_id: UUID) -> Example:
        example = self.rows.get(example_id)
        if example is None or example.company_id != company_id:
            raise ExampleNotFound("No such example in your company.")
        return example

    async def with_title_key(self, company_id: UUID, key: str) -> Example | None:
        return next((e for e in self.rows.values() if e.company_id == company_id and e.title_key == key), None)

    async def page(self, company_id: UUID, *, limit: int, offset: int) -> list[Example]:
        mine = sorted((e for e in self.rows.values() if e.company_id == company_id),
                      key=lambda e: (e.title_key, e.id))
        return mine[offset:offset + limit]


class FakeUnitOfWork:
    """Events are kept in `published` as they would be queued; `commits` counts commits."""

    def __init__(self) -> None:
        self.examples = FakeExamples()
        self.published: list[Envelope] = []
        self.commits = 0

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        envelope = new_envelope(payload, company_id=company_id, actor=actor, causation_id=causation_id,
                                correlation_id="unit-test")
        self.published.append(envelope)
        return envelope

    async def commit(self) -> None:
        self.commits += 1

    def events(self, event_type: str) -> list[dict[str, Any]]:
        return [e.data for e in self.published if e.type == event_type]
