"""The facility's service list over SQL. Returns domain objects; never commits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from facility.adapters.catalogue_tables import facility_services
from facility.domain.catalogue import FacilityService, ServiceKind
from facility.domain.errors import ServiceNotFound
from facility.domain.spaces import name_key

t = facility_services


def _values(service: FacilityService) -> dict[str, Any]:
    return {"name": service.name, "name_key": name_key(service.name), "kind": service.kind.value,
            "price_cents": service.price_cents, "taxable": service.taxable, "space_ids": list(service.space_ids),
            "main_service_ids": list(service.main_service_ids), "active": service.active}


def _service(row: Any) -> FacilityService:
    return FacilityService(row.id, row.company_id, row.name, ServiceKind(row.kind), row.price_cents, row.taxable,
                           tuple(row.space_ids), tuple(row.main_service_ids), row.active)


class SqlServices:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, service: FacilityService) -> None:
        await self.session.execute(insert(t).values(id=service.id, company_id=service.company_id, **_values(service)))

    async def save(self, service: FacilityService) -> None:
        await self.session.execute(update(t).where(
            t.c.company_id == service.company_id, t.c.id == service.id).values(**_values(service)))

    async def get(self, company_id: UUID, service_id: UUID) -> FacilityService:
        row = (await self.session.execute(select(t).where(
            t.c.company_id == company_id, t.c.id == service_id))).one_or_none()
        if row is None:
            raise ServiceNotFound("No such service in your company.", details={"service_id": str(service_id)})
        return _service(row)

    async def many(self, company_id: UUID, service_ids: list[UUID]) -> list[FacilityService]:
        if not service_ids:
            return []
        rows = await self.session.execute(select(t).where(t.c.company_id == company_id, t.c.id.in_(service_ids)))
        return [_service(row) for row in rows]

    async def with_name_key(self, company_id: UUID, key: str) -> FacilityService | None:
        row = (await self.session.execute(select(t).where(
            t.c.company_id == company_id, t.c.name_key == key))).one_or_none()
        return _service(row) if row else None

    async def page(self, company_id: UUID, *, limit: int, offset: int, kind: ServiceKind | None = None,
                   active: bool | None = None) -> list[FacilityService]:
        query = select(t).where(t.c.company_id == company_id)
        if kind is not None:
            query = query.where(t.c.kind == kind.value)
        if active is not None:
            query = query.where(t.c.active.is_(active))
        query = query.order_by(t.c.name_key, t.c.id).limit(limit).offset(offset)
        return [_service(row) for row in await self.session.execute(query)]
