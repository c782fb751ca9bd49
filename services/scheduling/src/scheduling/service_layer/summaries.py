"""What events say about a visit (`VisitSummary` of contracts): names, not ids, and the local time,
read in the same transaction as the change. Shared by every use case that publishes a visit:
`summarise` loads the names of one visit; `summary_of` is the pure part, for callers that read the
names once for many visits (a template's approved period)."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID
from zoneinfo import ZoneInfo

from petcare_contracts.events.scheduling import VisitSummary
from petcare_kit.client_directory import DirectoryPerson

from scheduling.domain import local_time
from scheduling.domain.catalogue import ScheduleBlock, Service
from scheduling.domain.errors import CompanyNotKnownYet
from scheduling.domain.visits import Visit
from scheduling.service_layer.context import Context


async def company_zone(ctx: Context) -> ZoneInfo:
    """The company's IANA zone (clients.events). Raises CompanyNotKnownYet (409) while the company
    or its zone has not arrived, InvalidTimeZone (422) for a name zoneinfo does not know."""
    company = await ctx.uow.people.company(ctx.company_id)
    if company is None or not company.time_zone:
        raise CompanyNotKnownYet("Your company's time zone is not known here yet: try again in a moment.",
                                 details={"company_id": str(ctx.company_id)})
    return local_time.zone(company.time_zone)


def summary_of(visit: Visit, service: Service, block: ScheduleBlock | None, pets: Mapping[UUID, str],
               staff: DirectoryPerson | None, tz: ZoneInfo) -> VisitSummary:
    """The visit as an email or a text names it: service name, local start in `tz` (timed visits)
    or the block's title (block visits: `block` is the visit's block, ignored for a timed visit),
    the names of its pets found in `pets` (pet id -> name) in the visit's order, the staff name."""
    block = block if visit.block_id is not None else None
    return VisitSummary(
        visit_id=visit.id, service_name=service.name, visit_date=visit.visit_date,
        starts_at=None if block else local_time.local(visit.starts_at, tz),
        time_block=block.title if block else None,
        pet_names=[pets[pet_id] for pet_id in visit.pet_ids if pet_id in pets],
        staff_name=staff.name if staff else None)


async def pet_names(ctx: Context, company_id: UUID, pet_ids: tuple[UUID, ...]) -> dict[UUID, str]:
    """The names of those pets (pet id -> name) that are the company's."""
    return {pet.id: pet.name for pet in await ctx.uow.pets.many(company_id, list(pet_ids))}


async def staff_of(ctx: Context, company_id: UUID, staff_id: UUID | None) -> DirectoryPerson | None:
    """The staff member as the directory has them, or None (no one assigned, or not known)."""
    return await ctx.uow.people.person(company_id, staff_id) if staff_id else None


async def summarise(ctx: Context, visit: Visit, tz: ZoneInfo) -> VisitSummary:
    """`summary_of` the visit, its names read now (service, block, pets, staff)."""
    service = await ctx.uow.services.get(visit.company_id, visit.service_id)
    block = await ctx.uow.blocks.get(visit.company_id, visit.block_id) if visit.block_id else None
    pets = await pet_names(ctx, visit.company_id, visit.pet_ids)
    return summary_of(visit, service, block, pets, await staff_of(ctx, visit.company_id, visit.staff_id), tz)
