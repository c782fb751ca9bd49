"""What the service-list use cases need. Repositories return domain objects and never commit;
every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from facility.domain.catalogue import FacilityService, ServiceKind


class Services(Protocol):
    async def add(self, service: FacilityService) -> None: ...

    async def save(self, service: FacilityService) -> None: ...

    async def get(self, company_id: UUID, service_id: UUID) -> FacilityService:
        """Raises ServiceNotFound (also for another company's service)."""

    async def many(self, company_id: UUID, service_ids: list[UUID]) -> list[FacilityService]:
        """Those of `service_ids` that are the company's."""

    async def with_name_key(self, company_id: UUID, key: str) -> FacilityService | None: ...

    async def page(self, company_id: UUID, *, limit: int, offset: int, kind: ServiceKind | None = None,
                   active: bool | None = None) -> list[FacilityService]:
        """By name, then id."""
