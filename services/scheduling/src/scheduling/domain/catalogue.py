"""The company's catalogue: the services it offers (R-SCHED-1) and its schedule blocks (R-SCHED-2).
Pure: no SQLAlchemy, FastAPI, FastStream or I/O.

Neither is ever deleted: visits keep pointing at the service they were booked with, so a service
(or a block) is renamed or disabled instead. A disabled one cannot be booked any more.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time
from typing import Any
from uuid import UUID

from scheduling.domain.errors import BlockNotAllowed, BlockTitleTaken, InvalidBlock, ServiceDisabled, ServiceNameTaken

WEEKDAYS = range(1, 8)
"""ISO weekdays: 1 = Monday ... 7 = Sunday (`date.isoweekday()`)."""


def name_key(name: str) -> str:
    """What two names are compared by: no case, inner spaces collapsed ("  Dog  Walk" ~ "dog walk")."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class ScheduleBlock:
    """R-SCHED-2: a named window of the day ("Morning", 07:00-11:00) on some weekdays. A client
    requesting visits picks a block, not a time; staff may also book an exact time.

    `starts`/`ends`: local wall-clock times of the company's zone, `starts < ends` (a block does not
    cross midnight). `weekdays`: ISO weekdays (1 = Monday ... 7 = Sunday), at least one."""

    id: UUID
    company_id: UUID
    title: str
    starts: time
    ends: time
    weekdays: frozenset[int]
    active: bool = True

    def __post_init__(self) -> None:
        check_block_shape(self.starts, self.ends, self.weekdays)

    @property
    def title_key(self) -> str:
        return name_key(self.title)

    def is_on(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays

    def changed(self, **changes: Any) -> ScheduleBlock:
        """A copy with `changes` (title, starts, ends, weekdays, active); checked again (InvalidBlock)."""
        return replace(self, **changes)


def check_block_shape(starts: time, ends: time, weekdays: frozenset[int]) -> None:
    """R-SCHED-2: start before end, weekdays among 1..7 and at least one. Raises InvalidBlock (422)."""
    problems = []
    if starts >= ends:
        problems.append({"field": "ends", "message": "a block ends after it starts (and the same day)"})
    if not weekdays or not weekdays.issubset(WEEKDAYS):
        problems.append({"field": "weekdays", "message": "one or more ISO weekdays, 1 = Monday ... 7 = Sunday"})
    if problems:
        raise InvalidBlock("The schedule block is not valid: see details.", details=problems)


@dataclass(frozen=True)
class Service:
    """R-SCHED-1: what the company offers. `duration_minutes`: the default visit length (> 0);
    `price_cents`: the default price in integer cents (exact money, >= 0); `client_selectable`: may
    clients request it from the portal; `block_ids`: the schedule blocks it may be booked in (empty:
    any of the company's blocks); `late_reminder_minutes`: a visit not started this long after its
    start is late (None: no late alert, R-SCHED-9); `taxable`; `active`: False once disabled."""

    id: UUID
    company_id: UUID
    name: str
    duration_minutes: int
    price_cents: int
    client_selectable: bool = False
    block_ids: tuple[UUID, ...] = ()
    late_reminder_minutes: int | None = None
    taxable: bool = False
    active: bool = True

    @property
    def name_key(self) -> str:
        return name_key(self.name)

    def changed(self, **changes: Any) -> Service:
        """A copy with `changes` (name, duration_minutes, price_cents, ..., active). Renaming and
        disabling are changes like any other; there is no deletion."""
        return replace(self, **changes)

    def check_bookable(self) -> None:
        """Raises ServiceDisabled (409) for a disabled service."""
        if not self.active:
            raise ServiceDisabled(f"The service {self.name!r} is disabled: enable it or pick another.",
                                  details={"service_id": str(self.id)})

    def check_block(self, block: ScheduleBlock, day: date) -> None:
        """R-SCHED-1/R-SCHED-2: `block` may hold a visit of this service on `day`: the block is
        active, one of the service's blocks (when it names any), and on that weekday.
        Raises BlockNotAllowed (422)."""
        details = {"schedule_block_id": str(block.id), "service_id": str(self.id), "date": day.isoformat()}
        if not block.active:
            raise BlockNotAllowed(f"The block {block.title!r} is disabled.", details=details)
        if self.block_ids and block.id not in self.block_ids:
            raise BlockNotAllowed(f"{self.name!r} cannot be booked in the block {block.title!r}.", details=details)
        if not block.is_on(day):
            raise BlockNotAllowed(f"The block {block.title!r} is not offered on {day:%A}s.", details=details)


def check_name_is_free(service: Service, holder: Service | None) -> None:
    """Two services of one company never share a name (case and spaces aside). `holder`: the
    company's service with the same name key, if any. Raises ServiceNameTaken (409)."""
    if holder is not None and holder.id != service.id:
        raise ServiceNameTaken(f"A service called {holder.name!r} already exists.",
                               details={"service_id": str(holder.id)})


def check_title_is_free(block: ScheduleBlock, holder: ScheduleBlock | None) -> None:
    """Two blocks of one company never share a title. Raises BlockTitleTaken (409)."""
    if holder is not None and holder.id != block.id:
        raise BlockTitleTaken(f"A schedule block called {holder.title!r} already exists.",
                              details={"schedule_block_id": str(holder.id)})
