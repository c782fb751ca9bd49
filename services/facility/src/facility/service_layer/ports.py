"""What the use cases need from the outside, as protocols: the repositories (SQL in `adapters/`, in
memory in tests/unit/fakes.py) and the unit of work. Repositories return domain objects and never
commit; every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from petcare_contracts import Actor, Envelope, EventPayload

from facility.domain.examples import Example


class Examples(Protocol):
    async def add(self, example: Example) -> None: ...

    async def get(self, company_id: UUID, example_id: UUID) -> Example:
        """Raises ExampleNotFound (also for another company's example)."""

    async def with_title_key(self, company_id: UUID, key: str) -> Example | None:
        """The company's example whose `title_key` is `key`, if any."""

    async def page(self, company_id: UUID, *, limit: int, offset: int) -> list[Example]:
        """By title, then id (a stable order, so pages neither repeat nor skip)."""


class UnitOfWork(Protocol):
    """One transaction: the repositories above, events queued in it (outbox), one commit."""

    @property
    def examples(self) -> Examples: ...

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = ...,
                      causation_id: UUID | None = None) -> Envelope: ...

    async def commit(self) -> None: ...
