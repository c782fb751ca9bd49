"""Repositories of companies, staff, clients and pets. They never commit (the unit of work does),
and every read is scoped to one company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from petcare_contracts.events.clients import StaffRole
from petcare_contracts.events.common import Address, Phone
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clients.adapters.tables import clients, companies, pets, staff
from clients.domain.clients import Client
from clients.domain.company import Company, CompanySettings
from clients.domain.errors import ClientNotFound, PetNotFound, StaffNotFound

# ---- companies -------------------------------------------------------------------------------

async def add_company(session: AsyncSession, company: Company) -> None:
    await session.execute(insert(companies).values(id=company.id, slug=company.slug, **_settings_row(company.settings)))


async def slug_taken(session: AsyncSession, slug: str) -> bool:
    return bool(await session.scalar(select(func.count()).select_from(companies).where(companies.c.slug == slug)))


async def get_company(session: AsyncSession, company_id: UUID) -> Company:
    row = (await session.execute(select(companies).where(companies.c.id == company_id))).one()
    return Company(row.id, row.slug, CompanySettings(
        name=row.name, time_zone=row.time_zone, portal_request_mode=row.portal_request_mode,
        cancellations_auto_approve=row.cancellations_auto_approve,
        notify_client_when_visit_starts=row.notify_client_when_visit_starts))


async def company_id_by_slug(session: AsyncSession, slug: str) -> UUID | None:
    return await session.scalar(select(companies.c.id).where(companies.c.slug == slug))


async def save_company_settings(session: AsyncSession, company_id: UUID, settings: CompanySettings) -> None:
    await session.execute(update(companies).where(companies.c.id == company_id)
                          .values(**_settings_row(settings), updated_at=func.now()))


def _settings_row(settings: CompanySettings) -> dict[str, Any]:
    return {"name": settings.name, "time_zone": settings.time_zone,
            "portal_request_mode": settings.portal_request_mode,
            "cancellations_auto_approve": settings.cancellations_auto_approve,
            "notify_client_when_visit_starts": settings.notify_client_when_visit_starts}


# ---- clients ---------------------------------------------------------------------------------

def _client_row(client: Client) -> dict[str, Any]:
    return {
        "first_name": client.first_name, "last_name": client.last_name, "emails": client.emails,
        "phones": [p.model_dump() for p in client.phones],
        "address": client.address.model_dump() if client.address else None,
        "custom_fields": client.custom_fields, "notes": client.notes, "active": client.active,
    }


def _client(row: Any) -> Client:
    return Client(
        id=row.id, company_id=row.company_id, first_name=row.first_name, last_name=row.last_name,
        emails=list(row.emails), phones=[Phone(**p) for p in row.phones],
        address=Address(**row.address) if row.address else None, custom_fields=dict(row.custom_fields),
        notes=row.notes, active=row.active,
    )


async def add_client(session: AsyncSession, client: Client) -> None:
    await session.execute(insert(clients).values(id=client.id, company_id=client.company_id, **_client_row(client)))


async def get_client(session: AsyncSession, company_id: UUID, client_id: UUID, *, for_update: bool = False) -> Client:
    query = select(clients).where(clients.c.company_id == company_id, clients.c.id == client_id)
    row = (await session.execute(query.with_for_update() if for_update else query)).one_or_none()
    if row is None:
        raise ClientNotFound("No such client in your company.")
    return _client(row)


async def save_client(session: AsyncSession, client: Client) -> None:
    await session.execute(update(clients).where(clients.c.company_id == client.company_id, clients.c.id == client.id)
                          .values(**_client_row(client), updated_at=func.now()))


async def list_clients(session: AsyncSession, company_id: UUID, *, active: bool | None, search: str | None,
                       limit: int, offset: int) -> list[Client]:
    query = select(clients).where(clients.c.company_id == company_id)
    if active is not None:
        query = query.where(clients.c.active == active)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(clients.c.first_name).like(pattern),
                                func.lower(clients.c.last_name).like(pattern)))
    query = query.order_by(clients.c.last_name, clients.c.first_name, clients.c.id).limit(limit).offset(offset)
    return [_client(row) for row in await session.execute(query)]


# ---- staff -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffMember:
    id: UUID
    company_id: UUID
    role: StaffRole
    first_name: str
    last_name: str
    emails: list[str]
    phones: list[Phone]
    active: bool = True


def _staff(row: Any) -> StaffMember:
    return StaffMember(row.id, row.company_id, row.role, row.first_name, row.last_name, list(row.emails),
                       [Phone(**p) for p in row.phones], row.active)


def _staff_row(member: StaffMember) -> dict[str, Any]:
    return {"role": member.role, "first_name": member.first_name, "last_name": member.last_name,
            "emails": member.emails, "phones": [p.model_dump() for p in member.phones], "active": member.active}


async def add_staff(session: AsyncSession, member: StaffMember) -> None:
    await session.execute(insert(staff).values(id=member.id, company_id=member.company_id, **_staff_row(member)))


async def get_staff(session: AsyncSession, company_id: UUID, staff_id: UUID, *,
                    for_update: bool = False) -> StaffMember:
    query = select(staff).where(staff.c.company_id == company_id, staff.c.id == staff_id)
    row = (await session.execute(query.with_for_update() if for_update else query)).one_or_none()
    if row is None:
        raise StaffNotFound("No such staff member in your company.")
    return _staff(row)


async def save_staff(session: AsyncSession, member: StaffMember) -> None:
    await session.execute(update(staff).where(staff.c.company_id == member.company_id, staff.c.id == member.id)
                          .values(**_staff_row(member), updated_at=func.now()))


async def list_staff(session: AsyncSession, company_id: UUID) -> list[StaffMember]:
    query = select(staff).where(staff.c.company_id == company_id).order_by(staff.c.last_name, staff.c.id)
    return [_staff(row) for row in await session.execute(query)]


# ---- pets ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pet:
    id: UUID
    company_id: UUID
    client_id: UUID
    name: str
    species: str
    breed: str | None = None
    birthday: date | None = None
    notes: str | None = None


def _pet(row: Any) -> Pet:
    return Pet(row.id, row.company_id, row.client_id, row.name, row.species, row.breed, row.birthday, row.notes)


def _pet_row(pet: Pet) -> dict[str, Any]:
    return {"name": pet.name, "species": pet.species, "breed": pet.breed, "birthday": pet.birthday, "notes": pet.notes}


async def add_pet(session: AsyncSession, pet: Pet) -> None:
    await session.execute(insert(pets).values(id=pet.id, company_id=pet.company_id, client_id=pet.client_id,
                                              **_pet_row(pet)))


async def get_pet(session: AsyncSession, company_id: UUID, client_id: UUID, pet_id: UUID) -> Pet:
    row = (await session.execute(select(pets).where(
        pets.c.company_id == company_id, pets.c.client_id == client_id, pets.c.id == pet_id))).one_or_none()
    if row is None:
        raise PetNotFound("No such pet for this client.")
    return _pet(row)


async def save_pet(session: AsyncSession, pet: Pet) -> None:
    await session.execute(update(pets).where(pets.c.company_id == pet.company_id, pets.c.id == pet.id)
                          .values(**_pet_row(pet), updated_at=func.now()))


async def list_pets(session: AsyncSession, company_id: UUID, client_id: UUID) -> list[Pet]:
    query = select(pets).where(pets.c.company_id == company_id, pets.c.client_id == client_id).order_by(pets.c.name)
    return [_pet(row) for row in await session.execute(query)]
