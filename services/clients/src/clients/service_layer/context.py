"""What a use case works with: the caller, their company, the unit of work and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from petcare_kit.unit_of_work import UnitOfWork
from petcare_kit.use_case import UseCaseContext
from sqlalchemy.ext.asyncio import AsyncSession

from clients.config import ClientsSettings


@dataclass
class Context(UseCaseContext[UnitOfWork]):
    """`UseCaseContext` on kit's SQL unit of work, plus the service's settings."""

    settings: ClientsSettings

    @property
    def session(self) -> AsyncSession:
        return self.uow.session

    @property
    def person_id(self) -> UUID:
        """The signed-in person (or the one a public route just signed in); 401 for anyone else."""
        return self.signed_in_person_id
