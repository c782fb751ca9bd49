"""Visits and the pets read model over SQL. Return domain objects; never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.adapters.tables import pets, visits
from scheduling.domain.errors import VisitNotFound
from scheduling.domain.pets import Pet
from scheduling.domain.visits import Visit, VisitStatus


def _values(visit: Visit) -> dict[str, Any]:
    return {"client_id": visit.client_id, "pet_ids": list(visit.pet_ids), "service_id": visit.service_id,
            "visit_date": visit.visit_date, "start_time": visit.start_time, "block_id": visit.block_id,
            "duration_minutes": visit.duration_minutes, "starts_at": visit.starts_at, "ends_at": visit.ends_at,
            "staff_id": visit.staff_id, "status": visit.status.value, "staff_note": visit.staff_note,
            "template_id": visit.template_id, "started_at": visit.started_at, "completed_at": visit.completed_at}


def visit_of(row: Any) -> Visit:
    """A `visits` row as the domain's Visit."""
    return Visit(row.id, row.company_id, row.client_id, tuple(row.pet_ids), row.service_id, row.visit_date,
                 row.start_time, row.block_id, row.duration_minutes, row.starts_at, row.ends_at, row.staff_id,
                 VisitStatus(row.status), row.staff_note, row.template_id, row.started_at, row.completed_at)


class SqlVisits:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, visit: Visit) -> None:
        await self.session.execute(insert(visits).values(id=visit.id, company_id=visit.company_id, **_values(visit)))

    async def add_many(self, new: Sequence[Visit]) -> None:
        """Insert `new` in one call (a template's period is many visits): one statement run as
        executemany, compiled once and with no bind-parameter limit, like the kit's outbox insert."""
        if new:
            await self.session.execute(insert(visits), [
                {"id": visit.id, "company_id": visit.company_id, **_values(visit)} for visit in new])

    async def save(self, visit: Visit) -> None:
        await self.session.execute(update(visits).where(
            visits.c.company_id == visit.company_id, visits.c.id == visit.id).values(**_values(visit)))

    async def delete(self, company_id: UUID, visit_id: UUID) -> None:
        await self.session.execute(delete(visits).where(visits.c.company_id == company_id, visits.c.id == visit_id))

    async def get(self, company_id: UUID, visit_id: UUID) -> Visit:
        row = (await self.session.execute(select(visits).where(
            visits.c.company_id == company_id, visits.c.id == visit_id))).one_or_none()
        if row is None:
            raise VisitNotFound("No such visit in your company.", details={"visit_id": str(visit_id)})
        return visit_of(row)

    async def many(self, company_id: UUID, visit_ids: list[UUID]) -> list[Visit]:
        if not visit_ids:
            return []
        rows = await self.session.execute(select(visits).where(
            visits.c.company_id == company_id, visits.c.id.in_(visit_ids)))
        return [visit_of(row) for row in rows]

    async def of_staff_between(self, company_id: UUID, staff_id: UUID, starts: datetime, ends: datetime
                               ) -> list[Visit]:
        rows = await self.session.execute(select(visits).where(
            visits.c.company_id == company_id, visits.c.staff_id == staff_id,
            visits.c.starts_at < ends, visits.c.ends_at > starts).order_by(visits.c.starts_at, visits.c.id))
        return [visit_of(row) for row in rows]

    async def page(self, company_id: UUID, *, limit: int, offset: int, client_id: UUID | None = None,
                   staff_id: UUID | None = None, starts_from: datetime | None = None,
                   starts_before: datetime | None = None, status: VisitStatus | None = None) -> list[Visit]:
        query = select(visits).where(visits.c.company_id == company_id)
        if client_id is not None:
            query = query.where(visits.c.client_id == client_id)
        if staff_id is not None:
            query = query.where(visits.c.staff_id == staff_id)
        if starts_from is not None:
            query = query.where(visits.c.starts_at >= starts_from)
        if starts_before is not None:
            query = query.where(visits.c.starts_at < starts_before)
        if status is not None:
            query = query.where(visits.c.status == status.value)
        query = query.order_by(visits.c.starts_at, visits.c.id).limit(limit).offset(offset)
        return [visit_of(row) for row in await self.session.execute(query)]


def _pet(row: Any) -> Pet:
    return Pet(row.id, row.company_id, row.client_id, row.name, row.species, row.active)


class SqlPets:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save(self, pet: Pet) -> None:
        values = {"company_id": pet.company_id, "client_id": pet.client_id, "name": pet.name,
                  "species": pet.species, "active": pet.active}
        await self.session.execute(pg_insert(pets).values(id=pet.id, **values).on_conflict_do_update(
            index_elements=["id"], set_=values))

    async def of_client(self, company_id: UUID, client_id: UUID) -> list[Pet]:
        rows = await self.session.execute(select(pets).where(
            pets.c.company_id == company_id, pets.c.client_id == client_id).order_by(pets.c.name, pets.c.id))
        return [_pet(row) for row in rows]

    async def many(self, company_id: UUID, pet_ids: list[UUID]) -> list[Pet]:
        if not pet_ids:
            return []
        rows = await self.session.execute(select(pets).where(pets.c.company_id == company_id, pets.c.id.in_(pet_ids)))
        return [_pet(row) for row in rows]
