"""Commands of the facility's service list (main services and add-ons)."""

from __future__ import annotations

from uuid import UUID

from petcare_kit.validation import NOT_SENT, PatchBody
from pydantic import Field

from facility.domain.catalogue import ServiceKind
from facility.service_layer.commands import Cents, Command, Name


class AddService(Command):
    """A main service (`daycare`, `overnight`: price per day or per night, `space_ids` the spaces it
    may be booked in, none: any) or an `add_on` (`main_service_ids` it may be added to)."""

    name: Name
    kind: ServiceKind
    price_cents: Cents
    taxable: bool = False
    space_ids: list[UUID] = Field(default_factory=list, max_length=200)
    main_service_ids: list[UUID] = Field(default_factory=list, max_length=200)


class UpdateService(PatchBody):
    """Rename, reprice, allowed spaces or main services, disable/enable (the kind stays)."""

    name: Name = NOT_SENT
    price_cents: Cents = NOT_SENT
    taxable: bool = NOT_SENT
    space_ids: list[UUID] = Field(NOT_SENT, max_length=200)
    main_service_ids: list[UUID] = Field(NOT_SENT, max_length=200)
    active: bool = NOT_SENT
