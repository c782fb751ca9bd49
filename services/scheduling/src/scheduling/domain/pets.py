"""Pets as clients.events describe them (scheduling's read model: visits name some of the
client's pets, R-SCHED-3). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Pet:
    """A client's pet. `active`: may be booked (clients.events has no pet removal yet, so True
    unless a later event says otherwise)."""

    id: UUID
    company_id: UUID
    client_id: UUID
    name: str
    species: str
    active: bool = True
