"""The facility's service list: main services (daycare or overnight) and add-on services tied to
main services. Pure. Prices are integer cents. A service is renamed or disabled, never deleted
(events keep naming it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from facility.domain.errors import InvalidService, ServiceDisabled, ServiceNotAllowed


class ServiceKind(StrEnum):
    """`daycare`: a date with start and end times; `overnight`: a date range without times
    (R-FAC-2); `add_on`: an extra on an event of one of its main services (R-FAC-4)."""

    DAYCARE = "daycare"
    OVERNIGHT = "overnight"
    ADD_ON = "add_on"


MAIN_KINDS = frozenset({ServiceKind.DAYCARE, ServiceKind.OVERNIGHT})


@dataclass(frozen=True)
class FacilityService:
    """A service of the list. Main services: `space_ids` are the spaces it may be booked in (empty:
    any space). Add-ons: `main_service_ids` are the main services it may be added to."""

    id: UUID
    company_id: UUID
    name: str
    kind: ServiceKind
    price_cents: int
    taxable: bool
    space_ids: tuple[UUID, ...] = ()
    main_service_ids: tuple[UUID, ...] = ()
    active: bool = True

    @property
    def is_main(self) -> bool:
        return self.kind in MAIN_KINDS

    def check_shape(self) -> None:
        """A main service has no main services; an add-on has at least one and no spaces (it is
        where its event is). Raises InvalidService (422)."""
        if self.is_main and self.main_service_ids:
            raise InvalidService("Only an add-on service is tied to main services.",
                                 details={"kind": self.kind.value})
        if not self.is_main and (not self.main_service_ids or self.space_ids):
            raise InvalidService("An add-on service names the main services it is added to, and no spaces.",
                                 details={"kind": self.kind.value})

    def check_bookable(self) -> None:
        """Raises ServiceDisabled (409) for a disabled service."""
        if not self.active:
            raise ServiceDisabled(f"{self.name} is disabled: enable it to book it.",
                                  details={"service_id": str(self.id)})

    def check_main_in(self, space_id: UUID) -> None:
        """R-FAC-2: the event's service is a main service allowed in the space (a new booking also
        checks `check_bookable`). Raises ServiceNotAllowed (422)."""
        if not self.is_main:
            raise ServiceNotAllowed(f"{self.name} is an add-on: pick a main service for the event.",
                                    details={"service_id": str(self.id)})
        if self.space_ids and space_id not in self.space_ids:
            raise ServiceNotAllowed(f"{self.name} cannot be booked in that space.",
                                    details={"service_id": str(self.id), "space_id": str(space_id),
                                             "allowed_space_ids": [str(s) for s in self.space_ids]})

    def check_add_on_to(self, main_service_id: UUID) -> None:
        """R-FAC-4: an add-on tied to the event's main service. Raises ServiceNotAllowed (422),
        ServiceDisabled (409)."""
        if self.is_main or main_service_id not in self.main_service_ids:
            raise ServiceNotAllowed(f"{self.name} is not an add-on of this event's service.",
                                    details={"service_id": str(self.id), "main_service_id": str(main_service_id)})
        self.check_bookable()
