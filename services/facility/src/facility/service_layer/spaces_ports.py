"""What the spaces use cases need: the spaces and the company's facility settings. Repositories
return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from facility.domain.spaces import FacilitySettings, Space


class Spaces(Protocol):
    async def add(self, space: Space) -> None: ...

    async def save(self, space: Space) -> None: ...

    async def get(self, company_id: UUID, space_id: UUID) -> Space:
        """Raises SpaceNotFound (also for another company's space)."""

    async def lock(self, company_id: UUID, space_id: UUID) -> None:
        """Hold the space until the transaction ends, so that bookings of one space are counted one
        at a time (two at once cannot both take its last place under a hard capacity limit)."""

    async def many(self, company_id: UUID, space_ids: list[UUID]) -> list[Space]:
        """Those of `space_ids` that are the company's (unknown ids are left out)."""

    async def with_name_key(self, company_id: UUID, key: str) -> Space | None: ...

    async def page(self, company_id: UUID, *, limit: int, offset: int) -> list[Space]:
        """By name, then id."""


class Settings(Protocol):
    async def get(self, company_id: UUID) -> FacilitySettings:
        """The company's settings (the defaults when it never set any)."""

    async def save(self, settings: FacilitySettings) -> None:
        """Insert or replace."""
