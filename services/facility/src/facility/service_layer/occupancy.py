"""How full a space gets with an event in it: the warnings of domain/spaces.py, and the refusal when
the company made capacity a hard limit."""

from __future__ import annotations

from facility.domain.events import FacilityEvent
from facility.domain.spaces import OccupancyWarning, Space, check_hard_capacity, occupancy_warnings
from facility.service_layer.context import Context


async def check_occupancy(ctx: Context, space: Space, event: FacilityEvent) -> list[OccupancyWarning]:
    """The pets in `space` on each date `event` takes room there (its other scheduled and
    checked-in events, plus this one, counted once even when it is already stored), as warnings.
    Raises SpaceFull (409) when capacity is a hard limit and a date goes over it. The space is held
    until the transaction ends (concurrent bookings of one space are counted one after the other)."""
    dates = event.when.occupied_dates
    if not dates:
        return []
    await ctx.uow.spaces.lock(ctx.company_id, space.id)
    pets = dict.fromkeys(dates, len(event.pet_ids))
    for other in await ctx.uow.events.occupying(ctx.company_id, space.id, dates[0], dates[-1]):
        if other.id == event.id:
            continue
        for on in other.when.occupied_dates:
            if on in pets:
                pets[on] += len(other.pet_ids)
    staff = await ctx.uow.people.active_staff(ctx.company_id) if space.pets_per_staff is not None else 0
    warnings = occupancy_warnings(space, pets, staff)
    check_hard_capacity(space, await ctx.uow.settings.get(ctx.company_id), warnings)
    return warnings
