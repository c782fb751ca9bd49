"""What a use case called from the API works with: the unit of work (repositories, events, one
commit) and the caller. Built by the entrypoints, or with fakes by unit tests. Use cases called by
the consumer take the unit of work alone: the consumer commits the batch."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from petcare_kit.use_case import UseCaseContext

from notifications.service_layer.ports import UnitOfWork


@dataclass
class Context(UseCaseContext[UnitOfWork]):
    """`UseCaseContext` on notifications' unit-of-work port."""

    @property
    def person_id(self) -> UUID:
        """The signed-in person; raises Unauthenticated (401) for anyone else."""
        return self.signed_in_person_id
