"""Pets as clients.events describe them (facility's read model: an event names some of the client's
pets, R-FAC-2). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from facility.domain.errors import PetsNotAllowed


@dataclass(frozen=True)
class Pet:
    """A client's pet. `active`: may be booked (clients.events has no pet removal yet)."""

    id: UUID
    company_id: UUID
    client_id: UUID
    name: str
    species: str
    active: bool = True


def check_pets(requested: tuple[UUID, ...], clients_active_pets: set[UUID]) -> None:
    """R-FAC-2: some of the client's pets: at least one, each the client's own and active.
    Raises PetsNotAllowed (422) naming the pets that are not."""
    if not requested:
        raise PetsNotAllowed("Pick at least one of the client's pets.", details={"pet_ids": []})
    foreign = [str(pet) for pet in requested if pet not in clients_active_pets]
    if foreign:
        raise PetsNotAllowed("Only the client's own active pets can be on their event.",
                             details={"pet_ids": foreign})
