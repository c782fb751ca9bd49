"""The catalogue's repositories over SQL (services, schedule blocks). Return domain objects; never
commit (the unit of work does)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.adapters.tables import schedule_blocks, services
from scheduling.domain.catalogue import ScheduleBlock, Service
from scheduling.domain.errors import BlockNotFound, ServiceNotFound


def _service_values(service: Service) -> dict[str, Any]:
    return {"name": service.name, "name_key": service.name_key, "duration_minutes": service.duration_minutes,
            "price_cents": service.price_cents, "client_selectable": service.client_selectable,
            "block_ids": list(service.block_ids), "late_reminder_minutes": service.late_reminder_minutes,
            "taxable": service.taxable, "active": service.active}


def _service(row: Any) -> Service:
    return Service(row.id, row.company_id, row.name, row.duration_minutes, row.price_cents, row.client_selectable,
                   tuple(row.block_ids), row.late_reminder_minutes, row.taxable, row.active)


class SqlServices:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, service: Service) -> None:
        await self.session.execute(insert(services).values(id=service.id, company_id=service.company_id,
                                                            **_service_values(service)))

    async def save(self, service: Service) -> None:
        await self.session.execute(update(services).where(
            services.c.company_id == service.company_id, services.c.id == service.id)
            .values(**_service_values(service)))

    async def get(self, company_id: UUID, service_id: UUID) -> Service:
        row = (await self.session.execute(select(services).where(
            services.c.company_id == company_id, services.c.id == service_id))).one_or_none()
        if row is None:
            raise ServiceNotFound("No such service in your company.", details={"service_id": str(service_id)})
        return _service(row)

    async def with_name_key(self, company_id: UUID, key: str) -> Service | None:
        row = (await self.session.execute(select(services).where(
            services.c.company_id == company_id, services.c.name_key == key))).one_or_none()
        return _service(row) if row is not None else None

    async def page(self, company_id: UUID, *, limit: int, offset: int, active: bool | None = None,
                   client_selectable: bool | None = None) -> list[Service]:
        query = select(services).where(services.c.company_id == company_id)
        if active is not None:
            query = query.where(services.c.active.is_(active))
        if client_selectable is not None:
            query = query.where(services.c.client_selectable.is_(client_selectable))
        query = query.order_by(services.c.name_key, services.c.id).limit(limit).offset(offset)
        return [_service(row) for row in await self.session.execute(query)]


def _block_values(block: ScheduleBlock) -> dict[str, Any]:
    return {"title": block.title, "title_key": block.title_key, "starts": block.starts, "ends": block.ends,
            "weekdays": sorted(block.weekdays), "active": block.active}


def _block(row: Any) -> ScheduleBlock:
    return ScheduleBlock(row.id, row.company_id, row.title, row.starts, row.ends, frozenset(row.weekdays), row.active)


class SqlScheduleBlocks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, block: ScheduleBlock) -> None:
        await self.session.execute(insert(schedule_blocks).values(id=block.id, company_id=block.company_id,
                                                                  **_block_values(block)))

    async def save(self, block: ScheduleBlock) -> None:
        await self.session.execute(update(schedule_blocks).where(
            schedule_blocks.c.company_id == block.company_id, schedule_blocks.c.id == block.id)
            .values(**_block_values(block)))

    async def get(self, company_id: UUID, block_id: UUID) -> ScheduleBlock:
        row = (await self.session.execute(select(schedule_blocks).where(
            schedule_blocks.c.company_id == company_id, schedule_blocks.c.id == block_id))).one_or_none()
        if row is None:
            raise BlockNotFound("No such schedule block in your company.",
                                details={"schedule_block_id": str(block_id)})
        return _block(row)

    async def many(self, company_id: UUID, block_ids: list[UUID]) -> list[ScheduleBlock]:
        if not block_ids:
            return []
        rows = await self.session.execute(select(schedule_blocks).where(
            schedule_blocks.c.company_id == company_id, schedule_blocks.c.id.in_(block_ids)))
        return [_block(row) for row in rows]

    async def with_title_key(self, company_id: UUID, key: str) -> ScheduleBlock | None:
        row = (await self.session.execute(select(schedule_blocks).where(
            schedule_blocks.c.company_id == company_id, schedule_blocks.c.title_key == key))).one_or_none()
        return _block(row) if row is not None else None

    async def page(self, company_id: UUID, *, limit: int, offset: int, active: bool | None = None
                   ) -> list[ScheduleBlock]:
        query = select(schedule_blocks).where(schedule_blocks.c.company_id == company_id)
        if active is not None:
            query = query.where(schedule_blocks.c.active.is_(active))
        query = query.order_by(schedule_blocks.c.starts, schedule_blocks.c.title_key, schedule_blocks.c.id)
        return [_block(row) for row in await self.session.execute(query.limit(limit).offset(offset))]
