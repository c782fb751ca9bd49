"""What a use case works with: the unit of work (repositories, events, one commit) and the caller.
Built by the entrypoints (a route, a consumer handler, a background job), or with fakes by unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from petcare_kit.identity import Identity, Role
from petcare_kit.use_case import SYSTEM as SYSTEM
from petcare_kit.use_case import UseCaseContext

from facility.service_layer.ports import UnitOfWork


@dataclass
class Context(UseCaseContext[UnitOfWork]):
    """`UseCaseContext` on facility's unit-of-work port, acting as the service itself (`SYSTEM`)
    unless given a caller, plus the role checks its use cases make."""

    identity: Identity = field(default=SYSTEM)

    @property
    def is_client(self) -> bool:
        return self.identity.role == Role.CLIENT

    @property
    def person_id(self) -> UUID | None:
        """The signed-in person, or None for the service itself."""
        return self.person_id_or_none
