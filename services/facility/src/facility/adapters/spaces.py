"""Spaces and facility settings over SQL. Return domain objects; never commit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from facility.adapters.spaces_tables import facility_settings, spaces
from facility.domain.errors import SpaceNotFound
from facility.domain.spaces import FacilitySettings, Space


def _values(space: Space) -> dict[str, Any]:
    return {"name": space.name, "name_key": space.name_key, "capacity": space.capacity,
            "pets_per_staff": space.pets_per_staff, "internal_note": space.internal_note, "active": space.active}


def _space(row: Any) -> Space:
    return Space(row.id, row.company_id, row.name, row.capacity, row.pets_per_staff, row.internal_note, row.active)


class SqlSpaces:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, space: Space) -> None:
        await self.session.execute(insert(spaces).values(id=space.id, company_id=space.company_id, **_values(space)))

    async def save(self, space: Space) -> None:
        await self.session.execute(update(spaces).where(
            spaces.c.company_id == space.company_id, spaces.c.id == space.id).values(**_values(space)))

    async def get(self, company_id: UUID, space_id: UUID) -> Space:
        row = (await self.session.execute(select(spaces).where(
            spaces.c.company_id == company_id, spaces.c.id == space_id))).one_or_none()
        if row is None:
            raise SpaceNotFound("No such space in your company.", details={"space_id": str(space_id)})
        return _space(row)

    async def lock(self, company_id: UUID, space_id: UUID) -> None:
        await self.session.execute(select(spaces.c.id).where(
            spaces.c.company_id == company_id, spaces.c.id == space_id).with_for_update())

    async def many(self, company_id: UUID, space_ids: list[UUID]) -> list[Space]:
        if not space_ids:
            return []
        rows = await self.session.execute(select(spaces).where(
            spaces.c.company_id == company_id, spaces.c.id.in_(space_ids)))
        return [_space(row) for row in rows]

    async def with_name_key(self, company_id: UUID, key: str) -> Space | None:
        row = (await self.session.execute(select(spaces).where(
            spaces.c.company_id == company_id, spaces.c.name_key == key))).one_or_none()
        return _space(row) if row else None

    async def page(self, company_id: UUID, *, limit: int, offset: int) -> list[Space]:
        query = (select(spaces).where(spaces.c.company_id == company_id)
                 .order_by(spaces.c.name_key, spaces.c.id).limit(limit).offset(offset))
        return [_space(row) for row in await self.session.execute(query)]


class SqlSettings:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, company_id: UUID) -> FacilitySettings:
        row = (await self.session.execute(select(facility_settings).where(
            facility_settings.c.company_id == company_id))).one_or_none()
        return FacilitySettings(company_id, row.capacity_is_hard_limit) if row else FacilitySettings(company_id)

    async def save(self, settings: FacilitySettings) -> None:
        values = {"capacity_is_hard_limit": settings.capacity_is_hard_limit}
        await self.session.execute(pg_insert(facility_settings).values(company_id=settings.company_id, **values)
                                   .on_conflict_do_update(index_elements=["company_id"],
                                                          set_={**values, "updated_at": func.now()}))
