"""Spaces (rooms, runs, play yards) and how full they are. Pure: no SQLAlchemy, FastAPI or I/O.

A space has a capacity (pets it holds) and a pets-per-staff ratio. Both only warn: an event that
puts the space over either is still booked, and the answer carries the warning. A company may make
capacity a hard limit (`FacilitySettings.capacity_is_hard_limit`): then a booking over capacity is
refused (and the duplication tool refuses that date alone, R-FAC-5). Pets per staff never blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from facility.domain.errors import SpaceDisabled, SpaceFull

WarningCode = Literal["over_capacity", "over_pets_per_staff"]


def name_key(name: str) -> str:
    """What two names are compared by: no case, inner spaces collapsed."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Space:
    """A place pets stay in. `capacity`: how many pets it holds (None: no limit); `pets_per_staff`:
    how many pets one staff member looks after there (None: no ratio); `internal_note`: for the
    business (staff and managers), never shown to clients."""

    id: UUID
    company_id: UUID
    name: str
    capacity: int | None = None
    pets_per_staff: int | None = None
    internal_note: str | None = None
    active: bool = True

    @property
    def name_key(self) -> str:
        return name_key(self.name)

    def check_bookable(self) -> None:
        """Raises SpaceDisabled (409) for a disabled space."""
        if not self.active:
            raise SpaceDisabled(f"{self.name} is disabled: enable it to book it.", details={"space_id": str(self.id)})


@dataclass(frozen=True)
class FacilitySettings:
    """A company's facility settings. `capacity_is_hard_limit`: refuse bookings over a space's
    capacity instead of warning."""

    company_id: UUID
    capacity_is_hard_limit: bool = False


@dataclass(frozen=True)
class OccupancyWarning:
    """On `on`, the space would hold `pets` pets, over `limit` (capacity, or pets per staff times
    the company's active staff)."""

    code: WarningCode
    on: date
    pets: int
    limit: int
    message: str


def occupancy_warnings(space: Space, pets_by_date: Mapping[date, int], active_staff: int) -> list[OccupancyWarning]:
    """The warnings of `space` holding `pets_by_date[d]` pets on each date `d` (the new or changed
    event's pets included), by date then code. Pets per staff compares with `space.pets_per_staff`
    times the company's active staff members (the people who can be on duty)."""
    found: list[OccupancyWarning] = []
    for on in sorted(pets_by_date):
        pets = pets_by_date[on]
        if space.capacity is not None and pets > space.capacity:
            found.append(OccupancyWarning("over_capacity", on, pets, space.capacity,
                                          f"{space.name} would hold {pets} pets on {on}, over its capacity of "
                                          f"{space.capacity}."))
        if space.pets_per_staff is not None and pets > space.pets_per_staff * active_staff:
            limit = space.pets_per_staff * active_staff
            found.append(OccupancyWarning("over_pets_per_staff", on, pets, limit,
                                          f"{space.name} would hold {pets} pets on {on}: more than "
                                          f"{space.pets_per_staff} per staff member for {active_staff} staff."))
    return found


def check_hard_capacity(space: Space, settings: FacilitySettings, warnings: list[OccupancyWarning]) -> None:
    """With capacity a hard limit, any `over_capacity` warning refuses the booking: raises SpaceFull
    (409) naming the dates. Otherwise nothing (the warnings go back in the answer)."""
    over = [w for w in warnings if w.code == "over_capacity"]
    if settings.capacity_is_hard_limit and over:
        raise SpaceFull(f"{space.name} is full on {', '.join(str(w.on) for w in over)}: capacity is a hard limit.",
                        details={"space_id": str(space.id), "capacity": space.capacity,
                                 "dates": [{"date": str(w.on), "pets": w.pets} for w in over]})
