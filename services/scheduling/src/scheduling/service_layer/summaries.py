"""What events say about a visit (`VisitSummary` of contracts): names, not ids, and the local time,
read in the same transaction as the change. Shared by every use case that publishes a visit."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from petcare_contracts.events.scheduling import VisitSummary

from scheduling.domain import local_time
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


async def summarise(ctx: Context, visit: Visit, tz: ZoneInfo) -> VisitSummary:
    """The visit as an email or a text names it: service, local start (timed visits) or block title,
    pet names, staff name."""
    service = await ctx.uow.services.get(visit.company_id, visit.service_id)
    block = await ctx.uow.blocks.get(visit.company_id, visit.block_id) if visit.block_id else None
    pets = {pet.id: pet.name for pet in await ctx.uow.pets.many(visit.company_id, list(visit.pet_ids))}
    staff = await ctx.uow.people.person(visit.company_id, visit.staff_id) if visit.staff_id else None
    return VisitSummary(
        visit_id=visit.id, service_name=service.name, visit_date=visit.visit_date,
        starts_at=None if block else local_time.local(visit.starts_at, tz),
        time_block=block.title if block else None,
        pet_names=[pets[pet_id] for pet_id in visit.pet_ids if pet_id in pets],
        staff_name=staff.name if staff else None)
